namespace BackorderDashboard.Data.Demo;

/// <summary>The words the demo store is made of: suppliers, categories and the goods they sell.</summary>
internal static class DemoCatalog
{
    public sealed record SupplierSpec(string Name, string Contact, string Domain, int LeadTimeDays, double OnTimeShare, int MaxSlipDays);

    public sealed record CategorySpec(string Name, string Code, int[] SupplierIndexes, string[] Styles, (string Noun, long PriceCents)[] Goods);

    public static readonly SupplierSpec[] Suppliers =
    [
        new("Northwind Housewares", "Dana Whitfield", "northwind.example.com", 14, 0.85, 6),
        new("Harbor Outdoor Supply", "Marco Ruiz", "harbor-outdoor.example.com", 21, 0.55, 14),
        new("Pinecrest Audio", "Yuki Tanaka", "pinecrest.example.com", 28, 0.7, 10),
        new("Summit Fitness Goods", "Priya Nair", "summitfit.example.com", 10, 0.9, 4),
        new("Lumen Office Works", "Oskar Lind", "lumen.example.com", 18, 0.75, 8),
        new("Brightpaw Pet Co.", "Grace Okafor", "brightpaw.example.com", 12, 0.8, 7),
    ];

    public static readonly CategorySpec[] Categories =
    [
        new("Kitchen", "KIT", [0], ["Blue", "Copper", "Matte Black", "Sage", "Ivory", "Stainless"],
            [("Kettle", 4900), ("Dutch Oven 5.5 qt", 8900), ("Pour-Over Set", 3900), ("Chef's Knife", 6500), ("Stand Mixer", 27900),
             ("Cast Iron Skillet", 4500), ("Toaster 2-Slice", 5900), ("Salad Spinner", 2900), ("Knife Block", 7900), ("Espresso Cups (4)", 2400)]),
        new("Home Office", "OFF", [4], ["Walnut", "Oak", "Graphite", "White", "Charcoal", "Birch"],
            [("Standing Desk", 44900), ("Desk Lamp", 5900), ("Monitor Arm", 11900), ("Ergonomic Chair", 32900), ("Cable Tray", 2900),
             ("Desk Organizer", 3400), ("Footrest", 4900), ("Whiteboard 36\"", 8900), ("Laptop Stand", 4500), ("Filing Cabinet", 19900)]),
        new("Outdoor", "OUT", [1], ["Forest", "Summit", "Trail", "Canyon", "Glacier", "Desert"],
            [("Tent 2-Person", 18900), ("Sleeping Bag", 12900), ("Camp Stove", 6900), ("Hiking Pack 40 L", 14900), ("Headlamp", 3400),
             ("Water Filter", 4900), ("Trekking Poles", 7900), ("Camp Chair", 5900), ("Cooler 45 qt", 21900), ("Hammock", 6400)]),
        new("Audio", "AUD", [2], ["Midnight", "Pearl", "Studio", "Arctic", "Ember", "Onyx"],
            [("Wireless Headphones", 19900), ("Bookshelf Speakers", 29900), ("Turntable", 34900), ("Soundbar", 39900), ("Earbuds", 12900),
             ("DAC Amplifier", 17900), ("Portable Speaker", 8900), ("Studio Monitor", 24900), ("Microphone USB", 11900), ("Headphone Stand", 3900)]),
        new("Fitness", "FIT", [3], ["Core", "Pro", "Flex", "Iron", "Motion", "Pulse"],
            [("Yoga Mat", 3900), ("Adjustable Dumbbells", 29900), ("Kettlebell 16 kg", 6900), ("Resistance Bands", 2900), ("Foam Roller", 2900),
             ("Jump Rope", 1900), ("Pull-Up Bar", 4900), ("Rowing Machine", 89900), ("Bench", 19900), ("Balance Board", 5900)]),
        new("Pet Supplies", "PET", [5], ["Cozy", "Happy", "Brisk", "Sunny", "Snug", "Lucky"],
            [("Dog Bed Large", 7900), ("Cat Tree", 12900), ("Leash & Harness", 3400), ("Automatic Feeder", 8900), ("Pet Fountain", 4900),
             ("Travel Crate", 9900), ("Chew Toy Set", 1900), ("Grooming Kit", 3900), ("Cat Litter Box", 5900), ("Pet Camera", 11900)]),
        new("Garden", "GAR", [1, 0], ["Meadow", "Terra", "Fern", "Willow", "Clay", "Moss"],
            [("Raised Bed Kit", 14900), ("Garden Hose 50 ft", 4900), ("Pruning Shears", 2900), ("Compost Bin", 8900), ("Watering Can", 2400),
             ("Tool Set 5-Piece", 5900), ("Planter 16\"", 3900), ("Kneeler Seat", 4400), ("Wheelbarrow", 11900), ("Seed Starter Tray", 1900)]),
        new("Lighting", "LGT", [4, 0], ["Brass", "Opal", "Linen", "Smoke", "Nordic", "Amber"],
            [("Floor Lamp", 14900), ("Pendant Light", 12900), ("Table Lamp", 7900), ("LED Strip 5 m", 3400), ("Wall Sconce", 8900),
             ("Smart Bulb 4-Pack", 4900), ("Night Light", 1900), ("Lantern", 4400), ("Reading Light", 3900), ("String Lights", 2900)]),
    ];

    public static readonly string[] FirstNames =
    [
        "Olivia", "Liam", "Emma", "Noah", "Ava", "Elijah", "Sophia", "Lucas", "Mia", "Mateo", "Amelia", "Levi", "Harper", "Ethan",
        "Aisha", "Kenji", "Fatima", "Diego", "Ingrid", "Tomás", "Chloe", "Arjun", "Zoe", "Samuel", "Leila", "Owen", "Nora", "Hugo",
        "Ruby", "Felix", "Maya", "Jonas", "Clara", "Ibrahim", "Hannah", "Rafael", "Elena", "Victor", "Anya", "Malik",
    ];

    public static readonly string[] LastNames =
    [
        "Smith", "Johnson", "Garcia", "Nguyen", "Müller", "Rossi", "Kowalski", "O'Brien", "Patel", "Kim", "Hernández", "Andersson",
        "Dubois", "Cohen", "Okafor", "Silva", "Tanaka", "Novak", "Schmidt", "Ivanova", "Lopez", "Walker", "Young", "Hall", "Wright",
        "Baker", "Fischer", "Costa", "Ahmed", "Larsen",
    ];

    public static readonly string[] EmailDomains = ["example.com", "example.org", "example.net"];
}
