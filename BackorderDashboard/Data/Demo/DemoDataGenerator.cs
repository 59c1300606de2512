using BackorderDashboard.Domain;

namespace BackorderDashboard.Data.Demo;

/// <summary>Everything the demo store holds, ready to be inserted (keys assigned, so rows can refer to each other).</summary>
public sealed class DemoData
{
    public List<Category> Categories { get; } = [];
    public List<Supplier> Suppliers { get; } = [];
    public List<Product> Products { get; } = [];
    public List<PurchaseOrder> PurchaseOrders { get; } = [];
    public List<PurchaseOrderLine> PurchaseOrderLines { get; } = [];
    public List<Customer> Customers { get; } = [];
    public List<Order> Orders { get; } = [];
    public List<OrderLine> OrderLines { get; } = [];
    public List<Shipment> Shipments { get; } = [];
    public List<ShipmentLine> ShipmentLines { get; } = [];
    public List<StockLedgerEntry> Ledger { get; } = [];
    public List<OrderEvent> Events { get; } = [];
    public List<OutboxMessage> Messages { get; } = [];
    public List<BackorderValueDay> ValueDays { get; } = [];
}

/// <summary>
/// Builds a believable store by living through its last 120 days: orders arrive and take stock or join the queue,
/// suppliers deliver early or late, restocks fill the queue in order, the warehouse ships, a few customers give up.
/// A fixed seed makes it the same store every time; dates are relative to today, so it never goes stale.
/// </summary>
public sealed class DemoDataGenerator(int seed = DemoDataGenerator.DefaultSeed)
{
    public const int DefaultSeed = 20_261_122;
    public const int Days = 120;
    private const int ProductsPerCategory = 25;
    private const int CustomerCount = 1400;
    private const double OrdersPerDay = 25;

    private readonly Random _rng = new(seed);
    private readonly DemoData _data = new();
    private readonly List<SimProduct> _products = [];
    private readonly List<SimPo> _pos = [];
    private readonly List<SimOrder> _openOrders = [];
    private readonly Dictionary<int, DemoCatalog.SupplierSpec> _supplierSpecs = [];
    private MerchantClock _clock = null!;
    private int _handlingDays;
    private long _ledgerId;
    private int _orderLineId;
    private int _poLineId;
    private int _shipmentLineId;
    private double _totalWeight;

    public DemoData Generate(MerchantClock clock, int handlingDays)
    {
        _clock = clock;
        _handlingDays = handlingDays;
        var today = clock.Today;
        var firstDay = today.AddDays(-Days);

        CreateSuppliersAndCategories();
        CreateProducts(firstDay);
        CreateCustomers(firstDay);

        for (var day = firstDay; day <= today; day = day.AddDays(1))
        {
            ReceiveDeliveries(day);
            PlaceOrders(day, today);
            if (day < today)
            {
                ShipReadyOrders(day);
                CancelSomeWaitingLines(day);
                PlacePurchaseOrders(day);
            }
            RecordSnapshot(day);
        }

        FinishOpenPurchaseOrders(today);
        RecomputeEtas(today);
        return _data;
    }

    private sealed class SimProduct(Product entity, double dailyDemand, DemoCatalog.SupplierSpec supplier)
    {
        public Product Entity { get; } = entity;
        public double DailyDemand { get; } = dailyDemand;
        public DemoCatalog.SupplierSpec Supplier { get; } = supplier;
        public List<OrderLine> Queue { get; } = [];
        public int Available => Entity.OnHand - Entity.Allocated;
        public int QueuedUnits => Queue.Sum(Unfilled);
        public int LeadTime => Entity.LeadTimeDays ?? Supplier.LeadTimeDays;
        public DateOnly? SellFrom { get; set; }
        public DateOnly? SellUntil { get; set; }
    }

    private sealed class SimPo(PurchaseOrder entity, DateOnly originalExpected, DateOnly arrival, DateOnly slipKnownFrom)
    {
        public PurchaseOrder Entity { get; } = entity;
        public DateOnly OriginalExpected { get; } = originalExpected;
        public DateOnly Arrival { get; } = arrival;
        public DateOnly SlipKnownFrom { get; } = slipKnownFrom;
        public DateOnly? RemainderArrival { get; set; }

        /// <summary>The expected date as the merchant knew it on a given day.</summary>
        public DateOnly ExpectedOn(DateOnly day) =>
            RemainderArrival is { } rest && day >= Arrival ? rest : day >= SlipKnownFrom ? Arrival : OriginalExpected;
    }

    private sealed record SimOrder(Order Entity, List<OrderLine> Lines);

    private static int Unfilled(OrderLine l) => l.Qty - l.QtyAllocated - l.QtyShipped - l.QtyCancelled;

    private void CreateSuppliersAndCategories()
    {
        for (var i = 0; i < DemoCatalog.Suppliers.Length; i++)
        {
            var s = DemoCatalog.Suppliers[i];
            var supplier = new Supplier
            {
                Id = i + 1,
                Name = s.Name,
                ContactName = s.Contact,
                Email = $"orders@{s.Domain}",
                Phone = $"+1 555-01{i + 10:00}",
                DefaultLeadTimeDays = s.LeadTimeDays,
            };
            _data.Suppliers.Add(supplier);
            _supplierSpecs[supplier.Id] = s;
        }
        for (var i = 0; i < DemoCatalog.Categories.Length; i++)
        {
            _data.Categories.Add(new Category { Id = i + 1, Name = DemoCatalog.Categories[i].Name });
        }
    }

    private void CreateProducts(DateOnly firstDay)
    {
        var created = _clock.StartOfDayUtc(firstDay).AddHours(-24);
        var id = 0;
        for (var c = 0; c < DemoCatalog.Categories.Length; c++)
        {
            var spec = DemoCatalog.Categories[c];
            var combos = spec.Styles.SelectMany(style => spec.Goods.Select(g => (style, g))).OrderBy(_ => _rng.Next()).Take(ProductsPerCategory);
            var n = 0;
            foreach (var (style, good) in combos)
            {
                id++;
                n++;
                var supplierId = spec.SupplierIndexes[n % spec.SupplierIndexes.Length] + 1;
                var roll = _rng.NextDouble();
                var product = new Product
                {
                    Id = id,
                    Sku = $"{spec.Code}-{100 + n:000}",
                    Name = $"{style} {good.Noun}",
                    CategoryId = c + 1,
                    SupplierId = supplierId,
                    PriceCents = good.PriceCents + _rng.Next(0, 4) * 500,
                    BackorderPolicy = roll < 0.15 ? BackorderPolicy.NotAllowed : roll < 0.30 ? BackorderPolicy.AllowedAndNotify : BackorderPolicy.Allowed,
                    CreatedAt = created,
                };
                if (product.BackorderPolicy != BackorderPolicy.NotAllowed && _rng.NextDouble() < 0.1)
                {
                    product.BackorderCap = _rng.Next(2, 6) * 5;
                }
                if (_rng.NextDouble() < 0.08)
                {
                    product.LowStockThreshold = _rng.Next(2, 5) * 5;
                }
                // Popular goods sell a lot, the long tail a little: a few products make most of the backorders.
                var weight = 1.0 / Math.Pow(_rng.Next(1, 60), 0.9);
                var sim = new SimProduct(product, weight, _supplierSpecs[supplierId]);
                _totalWeight += weight;
                _products.Add(sim);
                _data.Products.Add(product);
            }
        }

        // Scale weights to units per day: about 1.5 units per order line and 1.4 lines per order.
        var unitsPerDay = OrdersPerDay * 1.4 * 1.5;
        for (var i = 0; i < _products.Count; i++)
        {
            var p = _products[i];
            _products[i] = new SimProduct(p.Entity, p.DailyDemand / _totalWeight * unitsPerDay, p.Supplier);
        }

        // A few discontinued lines (sold until a month ago) and a few pre-orders (released in a few weeks).
        var today = firstDay.AddDays(Days);
        foreach (var p in _products.Where((_, i) => i % 50 == 7))
        {
            p.Entity.Discontinued = true;
            p.SellUntil = today.AddDays(-30);
        }
        foreach (var p in _products.Where((_, i) => i % 50 == 23))
        {
            p.Entity.PreorderReleaseDate = today.AddDays(_rng.Next(10, 40));
            p.Entity.BackorderPolicy = BackorderPolicy.AllowedAndNotify;
            p.Entity.BackorderCap = null;
            p.SellFrom = today.AddDays(-21);
        }

        foreach (var p in _products)
        {
            if (p.SellFrom is not null)
            {
                continue;
            }
            var opening = (int)Math.Round(p.DailyDemand * _rng.Next(20, 70)) + _rng.Next(2, 8);
            if (_rng.NextDouble() < 0.04)
            {
                opening = 0;
            }
            if (opening > 0)
            {
                p.Entity.OnHand = opening;
                AddLedger(p, opening, 0, StockReason.Import, "Opening stock", created, null, null, null);
            }
        }
    }

    private void CreateCustomers(DateOnly firstDay)
    {
        var used = new HashSet<string>();
        for (var i = 1; i <= CustomerCount; i++)
        {
            var first = DemoCatalog.FirstNames[_rng.Next(DemoCatalog.FirstNames.Length)];
            var last = DemoCatalog.LastNames[_rng.Next(DemoCatalog.LastNames.Length)];
            var local = $"{Ascii(first)}.{Ascii(last)}".ToLowerInvariant();
            var email = $"{local}@{DemoCatalog.EmailDomains[_rng.Next(DemoCatalog.EmailDomains.Length)]}";
            for (var n = 2; !used.Add(email); n++)
            {
                email = $"{local}{n}@{DemoCatalog.EmailDomains[_rng.Next(DemoCatalog.EmailDomains.Length)]}";
            }
            _data.Customers.Add(new Customer
            {
                Id = i,
                Name = $"{first} {last}",
                Email = email,
                Phone = _rng.NextDouble() < 0.8 ? $"+1 555-{_rng.Next(200, 999):000}-{_rng.Next(0, 10000):0000}" : null,
                Tier = _rng.NextDouble() < 0.1 ? CustomerTier.Vip : CustomerTier.Standard,
                CreatedAt = _clock.StartOfDayUtc(firstDay.AddDays(-_rng.Next(0, 700))),
            });
        }
    }

    private static string Ascii(string s) => new(s.Normalize(System.Text.NormalizationForm.FormD)
        .Where(ch => ch is >= 'a' and <= 'z' or >= 'A' and <= 'Z').ToArray());

    private void PlaceOrders(DateOnly day, DateOnly today)
    {
        var dayIndex = Days - today.DayNumber + day.DayNumber;
        // Busier on weekdays, and the store grows a little over the period.
        var weekday = day.DayOfWeek is DayOfWeek.Saturday or DayOfWeek.Sunday ? 0.75 : 1.1;
        var mean = OrdersPerDay * weekday * (0.85 + 0.3 * dayIndex / Days);
        var count = (int)Math.Round(mean + (_rng.NextDouble() - 0.5) * mean * 0.5);
        var now = _clock.UtcNow;
        var times = Enumerable.Range(0, count)
            .Select(_ => _clock.StartOfDayUtc(day).AddMinutes(_rng.Next(7 * 60, 23 * 60)))
            .Where(t => t < now)
            .Order()
            .ToList();
        foreach (var placedAt in times)
        {
            PlaceOrder(day, placedAt);
        }
    }

    private void PlaceOrder(DateOnly day, DateTime placedAt)
    {
        var customer = _data.Customers[(int)(Math.Pow(_rng.NextDouble(), 1.3) * _data.Customers.Count)];
        var order = new Order
        {
            Id = _data.Orders.Count + 1,
            Number = $"SO-{100001 + _data.Orders.Count}",
            CustomerId = customer.Id,
            PlacedAt = placedAt,
            Channel = _rng.NextDouble() switch { < 0.8 => OrderChannel.Web, < 0.9 => OrderChannel.Phone, < 0.95 => OrderChannel.Email, _ => OrderChannel.Api },
            ShipPolicy = _rng.NextDouble() < 0.15 ? ShipPolicy.ShipComplete : ShipPolicy.ShipAvailable,
            PaymentAuthorizedAt = placedAt,
            PaymentAuthorizationExpiresAt = placedAt.AddDays(7),
            ShippingCents = _rng.NextDouble() < 0.6 ? 0 : 695,
            TrackingToken = TrackingTokens.New(),
        };
        var lineCount = _rng.NextDouble() switch { < 0.62 => 1, < 0.9 => 2, _ => 3 };
        var lines = new List<OrderLine>();
        var chosen = new HashSet<int>();
        for (var attempt = 0; lines.Count < lineCount && attempt < lineCount * 4; attempt++)
        {
            var product = PickProduct(day);
            if (!chosen.Add(product.Entity.Id))
            {
                continue;
            }
            var qty = _rng.NextDouble() switch { < 0.72 => 1, < 0.9 => 2, < 0.97 => 3, _ => 4 };
            var line = TakeLine(order, product, qty, placedAt, day, customer.Tier);
            if (line is not null)
            {
                lines.Add(line);
            }
        }
        if (lines.Count == 0)
        {
            return;
        }
        _data.Orders.Add(order);
        _openOrders.Add(new SimOrder(order, lines));

        // The history and the confirmation the app writes when it takes an order.
        Record(order, OrderEventKind.Placed, $"Order placed by {order.Channel.ToString().ToLowerInvariant()}: {Words.Count(lines.Count, "line")}, ship policy "
            + (order.ShipPolicy == ShipPolicy.ShipComplete ? "everything together" : "each item when ready") + ".", placedAt,
            user: order.Channel is OrderChannel.Phone or OrderChannel.Email ? DemoOptions.DisplayName("support@example.com") : null);
        foreach (var line in lines.Where(l => l.QtyBackorderedAtPlacement > 0))
        {
            Record(order, OrderEventKind.Backordered,
                $"{line.QtyBackorderedAtPlacement} × {NameOf(line)} backordered, promised to ship {MessageTemplates.Date(line.PromisedShipDate)}.", placedAt, line.Id);
        }
        if (lines.Any(l => l.QtyBackorderedAtPlacement > 0))
        {
            Tell(order, MessageTemplates.Confirmation(order.Number,
                lines.Select(l => (NameOf(l), l.Qty, l.Qty - l.QtyBackorderedAtPlacement, l.QtyBackorderedAtPlacement, l.PromisedShipDate))), placedAt);
        }
    }

    /// <summary>What the queues held at the end of the day per category and supplier, as the app's recorder writes it.</summary>
    private void RecordSnapshot(DateOnly day)
    {
        var waiting = _products.SelectMany(p => p.Queue.Where(l => Unfilled(l) > 0).Select(l => (p.Entity, Line: l)));
        foreach (var group in waiting.GroupBy(w => (w.Entity.CategoryId, w.Entity.SupplierId)))
        {
            _data.ValueDays.Add(new BackorderValueDay
            {
                Day = day, CategoryId = group.Key.CategoryId, SupplierId = group.Key.SupplierId, Lines = group.Count(),
                Units = group.Sum(w => Unfilled(w.Line)), ValueCents = group.Sum(w => (long)Unfilled(w.Line) * w.Line.UnitPriceCents),
            });
        }
    }

    private string NameOf(OrderLine line) => _products[line.ProductId - 1].Entity.Name;

    private Order OrderOf(OrderLine line) => _data.Orders[line.OrderId - 1];

    /// <summary>A history row: a demo user's at the page they would have used, the system's otherwise.</summary>
    private void Record(Order order, OrderEventKind kind, string detail, DateTime at, int? lineId = null, string? user = null) =>
        _data.Events.Add(new OrderEvent
        {
            OrderId = order.Id, OrderLineId = lineId, Kind = kind, Detail = detail, UserName = user, Channel = ChannelOf(user), At = at,
        });

    private static ActorChannel ChannelOf(string? user) => user is null ? ActorChannel.System : ActorChannel.Page;

    /// <summary>A message as the app writes it; those from before today went out a couple of minutes later, today's still wait.</summary>
    private void Tell(Order order, MessageContent content, DateTime at)
    {
        var customer = _data.Customers[order.CustomerId - 1];
        var message = OrderJournal.Message(order.Id, customer.Name, customer.Email, content, Actor.System, at);
        if (at < _clock.StartOfDayUtc(_clock.Today))
        {
            message.State = MessageState.Sent;
            message.SentAt = at.AddMinutes(2);
            message.Attempts = 1;
        }
        _data.Messages.Add(message);
    }

    private SimProduct PickProduct(DateOnly day)
    {
        while (true)
        {
            var target = _rng.NextDouble() * _products.Sum(p => p.DailyDemand);
            foreach (var p in _products)
            {
                target -= p.DailyDemand;
                if (target > 0)
                {
                    continue;
                }
                if ((p.SellFrom is { } from && day < from) || (p.SellUntil is { } until && day > until))
                {
                    break;
                }
                return p;
            }
        }
    }

    /// <summary>Intake: stock first, the rest joins the queue if the policy and cap allow, else the line is cut.</summary>
    private OrderLine? TakeLine(Order order, SimProduct product, int qty, DateTime placedAt, DateOnly day, CustomerTier tier)
    {
        var p = product.Entity;
        var take = Math.Min(qty, Math.Max(0, product.Available));
        var rest = qty - take;
        var mayBackorder = p.BackorderPolicy != BackorderPolicy.NotAllowed && !p.Discontinued
            && (p.BackorderCap is null || product.QueuedUnits + rest <= p.BackorderCap);
        if (rest > 0 && !mayBackorder)
        {
            qty = take;
            rest = 0;
        }
        if (qty == 0)
        {
            return null;
        }
        var line = new OrderLine
        {
            Id = ++_orderLineId,
            OrderId = order.Id,
            ProductId = p.Id,
            Qty = qty,
            UnitPriceCents = p.PriceCents,
            QtyBackorderedAtPlacement = rest,
        };
        _data.OrderLines.Add(line);
        if (take > 0)
        {
            Allocate(product, line, take, order.Number, placedAt);
        }
        if (rest > 0)
        {
            line.QueuedAt = placedAt;
            // About a third of VIP customers' backorders were taken while the store put VIP customers first.
            line.Priority = QueuePriorities.For(tier, vipFirst: tier == CustomerTier.Vip && _rng.NextDouble() < 0.3);
            product.Queue.Add(line);
            SortQueue(product);
            var eta = EtaOf(product, line, day);
            line.PromisedShipDate = eta;
            line.CurrentEta = eta;
        }
        return line;
    }

    private static void SortQueue(SimProduct product) => product.Queue.Sort(QueueOrder.Comparer);

    /// <summary>The line's ETA by the app's own rule, from what the merchant knew that day.</summary>
    private DateOnly EtaOf(SimProduct product, OrderLine line, DateOnly day)
    {
        var queue = product.Queue.Where(l => Unfilled(l) > 0).ToList();
        var etas = AvailabilityRule.QueueEtas(FactsOn(product, day), queue.Select(Unfilled).ToList(), day, null);
        return etas[queue.IndexOf(line)] ?? day.AddDays(product.LeadTime);
    }

    private ProductStockFacts FactsOn(SimProduct product, DateOnly day)
    {
        var p = product.Entity;
        var history = SupplierHistoryOn(p.SupplierId, day);
        var lead = LeadTimes.Choose(p.LeadTimeDays, product.Supplier.LeadTimeDays, history).Range;
        return new ProductStockFacts(p.Id, p.OnHand, p.Allocated, p.BackorderPolicy, p.BackorderCap, 0, HandlingDays(product), lead,
            p.PreorderReleaseDate, p.Discontinued, product.QueuedUnits, InboundAsKnownOn(product, day));
    }

    /// <summary>The supplier's receipt history up to a day, as the app reads it (see <see cref="SupplierLeadTimes"/>).</summary>
    private LeadTimeRange? SupplierHistoryOn(int supplierId, DateOnly day)
    {
        var end = _clock.StartOfDayUtc(day.AddDays(1));
        var days = _pos.Where(po => po.Entity.SupplierId == supplierId && po.Entity.Status == PurchaseOrderStatus.Received
                && po.Entity.ReceivedAt < end)
            .Select(po => (po.Entity.ReceivedAt!.Value - po.Entity.OrderedAt!.Value).TotalDays)
            .ToList();
        return days.Count >= SupplierLeadTimes.MinimumReceipts ? SupplierLeadTimes.FromDays(days) : null;
    }

    private int HandlingDays(SimProduct product) => product.Entity.HandlingDays ?? _handlingDays;

    private List<InboundSupply> InboundAsKnownOn(SimProduct product, DateOnly day) =>
        _pos.Where(po => po.Entity.Status.IsOpen())
            .SelectMany(po => po.Entity.Lines.Where(l => l.ProductId == product.Entity.Id)
                .Select(l => new InboundSupply(po.ExpectedOn(day), l.QtyOrdered - l.QtyReceived)))
            .ToList();

    private void Allocate(SimProduct product, OrderLine line, int qty, string reference, DateTime at)
    {
        line.QtyAllocated += qty;
        product.Entity.Allocated += qty;
        AddLedger(product, 0, qty, StockReason.Allocation, reference, at, line.Id, null, null);
    }

    private void ReceiveDeliveries(DateOnly day)
    {
        var at = _clock.StartOfDayUtc(day).AddHours(10);
        foreach (var po in _pos.Where(po => po.Entity.Status.IsOpen()).ToList())
        {
            var full = po.Arrival == day;
            var remainder = po.RemainderArrival == day;
            if (!full && !remainder)
            {
                continue;
            }
            var partial = full && po.RemainderArrival is not null;
            foreach (var line in po.Entity.Lines)
            {
                var outstanding = line.QtyOrdered - line.QtyReceived;
                var qty = partial ? (int)Math.Ceiling(outstanding * 0.6) : outstanding;
                if (qty <= 0)
                {
                    continue;
                }
                var product = _products[line.ProductId - 1];
                line.QtyReceived += qty;
                product.Entity.OnHand += qty;
                AddLedger(product, qty, 0, StockReason.Receipt, po.Entity.Number, at, null, line.Id, DemoOptions.DisplayName("merchant@example.com"));
                AllocateQueue(product, po.Entity.Number, at);
            }
            var done = po.Entity.Lines.All(l => l.QtyReceived >= l.QtyOrdered);
            po.Entity.Status = done ? PurchaseOrderStatus.Received : PurchaseOrderStatus.PartiallyReceived;
            po.Entity.ReceivedAt = done ? at : null;
        }
    }

    /// <summary>
    /// A restock fills the queue in queue order until the new units run out, by the app's <see cref="AllocationEngine"/>:
    /// a ship-complete order is held until all of it can be set aside, and then takes its other products too.
    /// </summary>
    private void AllocateQueue(SimProduct product, string reference, DateTime at)
    {
        if (product.Available <= 0)
        {
            return;
        }
        var queue = product.Queue.Where(l => Unfilled(l) > 0)
            .Select(l => new QueueEntry(l.Id, l.OrderId, Unfilled(l), OrderOf(l).ShipPolicy == ShipPolicy.ShipComplete)).ToList();
        var siblings = queue.Where(q => q.ShipComplete).Select(q => q.OrderId).Distinct()
            .SelectMany(id => _openOrders.First(o => o.Entity.Id == id).Lines)
            .Select(l => new SiblingLine(l.Id, l.OrderId, l.ProductId, Unfilled(l))).ToList();
        var freeStock = siblings.Select(s => s.ProductId).Where(id => id != product.Entity.Id).Distinct()
            .ToDictionary(id => id, id => _products[id - 1].Available);
        var allocations = AllocationEngine.Allocate(product.Entity.Id, product.Available, queue, siblings.ToLookup(s => s.OrderId), freeStock);

        var filled = new List<(OrderLine Line, int Qty)>();
        foreach (var allocation in allocations)
        {
            var line = _data.OrderLines[allocation.LineId - 1];
            var owner = _products[allocation.ProductId - 1];
            Allocate(owner, line, allocation.Qty, reference, at);
            filled.Add((line, allocation.Qty));
            Record(OrderOf(line), OrderEventKind.Allocated, $"{Words.Count(allocation.Qty, "unit")} allocated (receipt {reference}).", at, line.Id);
            if (Unfilled(line) == 0)
            {
                owner.Queue.Remove(line);
            }
        }
        // One "being packed" note per order that can now ship, as the app's queue upkeep writes it.
        foreach (var group in filled.GroupBy(f => f.Line.OrderId))
        {
            var order = OrderOf(group.First().Line);
            var lines = _openOrders.FirstOrDefault(o => o.Entity.Id == order.Id)?.Lines ?? group.Select(g => g.Line).ToList();
            var complete = lines.All(l => Unfilled(l) == 0);
            if (order.ShipPolicy == ShipPolicy.ShipAvailable || complete)
            {
                Tell(order, MessageTemplates.ReadyToShip(order.Number, lines.Where(l => l.QtyAllocated > 0).Select(l => (NameOf(l), l.QtyAllocated)).ToList(), complete), at);
            }
        }
    }

    private void ShipReadyOrders(DateOnly day)
    {
        var at = _clock.StartOfDayUtc(day).AddHours(17);
        var cutoff = _clock.StartOfDayUtc(day).AddHours(12);
        foreach (var order in _openOrders.ToList())
        {
            // The afternoon's orders, and now and then a busy day's overflow, wait for tomorrow's pick.
            if (order.Entity.PlacedAt > cutoff || _rng.NextDouble() < 0.08)
            {
                continue;
            }
            var complete = order.Lines.All(l => Unfilled(l) == 0);
            if (order.Entity.ShipPolicy == ShipPolicy.ShipComplete && !complete)
            {
                continue;
            }
            var toShip = order.Lines.Where(l => l.QtyAllocated > 0).ToList();
            if (toShip.Count > 0)
            {
                Ship(order, toShip, at);
            }
            if (order.Lines.All(l => l.QtyAllocated == 0 && Unfilled(l) == 0))
            {
                _openOrders.Remove(order);
            }
        }
    }

    private void Ship(SimOrder order, List<OrderLine> lines, DateTime at)
    {
        var carrier = _rng.NextDouble() < 0.6 ? "UPS" : "USPS";
        var serial = _rng.NextInt64(100_000_000_000, 999_999_999_999);
        var shipment = new Shipment
        {
            Id = _data.Shipments.Count + 1,
            OrderId = order.Entity.Id,
            ShippedAt = at,
            Carrier = carrier,
            // Numbers shaped like each carrier's own (UPS "1Z…", USPS 22 digits), so their tracking links look real.
            TrackingNumber = carrier == "UPS" ? $"1Z{serial}" : $"9400111{serial:D15}",
            ShippedBy = DemoOptions.DisplayName("merchant@example.com"),
        };
        _data.Shipments.Add(shipment);
        var items = lines.Select(l => (NameOf(l), l.QtyAllocated)).ToList();
        foreach (var line in lines)
        {
            var qty = line.QtyAllocated;
            var product = _products[line.ProductId - 1];
            line.QtyAllocated = 0;
            line.QtyShipped += qty;
            product.Entity.Allocated -= qty;
            product.Entity.OnHand -= qty;
            AddLedger(product, -qty, -qty, StockReason.Shipment, order.Entity.Number, at, line.Id, null, DemoOptions.DisplayName("merchant@example.com"));
            _data.ShipmentLines.Add(new ShipmentLine { Id = ++_shipmentLineId, ShipmentId = shipment.Id, OrderLineId = line.Id, Qty = qty });
        }
        order.Entity.PaymentCapturedAt ??= at;
        Record(order.Entity, OrderEventKind.Shipped, $"Shipped {MessageTemplates.Items(items)} ({shipment.Carrier} {shipment.TrackingNumber}).", at,
            user: DemoOptions.DisplayName("merchant@example.com"));
        Tell(order.Entity, MessageTemplates.Shipped(order.Entity.Number, items, shipment.Carrier, shipment.TrackingNumber), at);
    }

    private void CancelSomeWaitingLines(DateOnly day)
    {
        var start = _clock.StartOfDayUtc(day);
        foreach (var product in _products)
        {
            foreach (var line in product.Queue.ToList())
            {
                // Customers rarely give up in the first two weeks; after that a few do every day.
                if (line.QueuedAt is { } queued && (start - queued).TotalDays > 14 && _rng.NextDouble() < 0.012)
                {
                    var qty = Unfilled(line);
                    line.QtyCancelled += qty;
                    product.Queue.Remove(line);
                    var at = start.AddHours(_rng.Next(9, 17));
                    const string reason = "the customer no longer wanted to wait";
                    Record(OrderOf(line), OrderEventKind.Cancelled, $"{qty} × {NameOf(line)} cancelled: {reason}", at, line.Id, DemoOptions.DisplayName("support@example.com"));
                    Tell(OrderOf(line), MessageTemplates.Cancelled(NameOf(line), OrderOf(line).Number, qty, reason, waitlisted: false), at);
                }
            }
        }
    }

    /// <summary>
    /// Each supplier is ordered from weekly, for every product whose stock position is below its reorder point;
    /// a pre-order product gets its own purchase order timed for its release.
    /// </summary>
    private void PlacePurchaseOrders(DateOnly day)
    {
        foreach (var supplier in _data.Suppliers)
        {
            if ((day.DayNumber + supplier.Id) % 7 != 0)
            {
                continue;
            }
            var lines = new List<PurchaseOrderLine>();
            foreach (var product in _products.Where(p => p.Entity.SupplierId == supplier.Id && !p.Entity.Discontinued))
            {
                var inbound = _pos.Where(po => po.Entity.Status.IsOpen()).SelectMany(po => po.Entity.Lines)
                    .Where(l => l.ProductId == product.Entity.Id).Sum(l => l.QtyOrdered - l.QtyReceived);
                if (product.Entity.PreorderReleaseDate is { } release)
                {
                    if (inbound == 0 && day >= product.SellFrom!.Value.AddDays(-3))
                    {
                        var qty = (int)Math.Ceiling(product.DailyDemand * 60 / 6.0) * 6;
                        AddPurchaseOrder(supplier, [NewPoLine(product, Math.Max(24, qty))], day, release.AddDays(-2));
                    }
                    continue;
                }
                var position = product.Available + inbound - product.QueuedUnits;
                var reorderPoint = product.DailyDemand * (product.LeadTime + 10);
                // Sometimes the buyer is late to react: that is how most backorders happen.
                if (position > reorderPoint || _rng.NextDouble() < 0.3)
                {
                    continue;
                }
                var units = (int)Math.Ceiling((reorderPoint - position + product.DailyDemand * 28) / 6.0) * 6;
                lines.Add(NewPoLine(product, Math.Max(6, units)));
            }
            if (lines.Count > 0)
            {
                AddPurchaseOrder(supplier, lines, day, day.AddDays(_supplierSpecs[supplier.Id].LeadTimeDays));
            }
        }
    }

    private PurchaseOrderLine NewPoLine(SimProduct product, int qty) => new()
    {
        Id = ++_poLineId,
        ProductId = product.Entity.Id,
        QtyOrdered = qty,
        UnitCostCents = product.Entity.PriceCents * 45 / 100,
    };

    private void AddPurchaseOrder(Supplier supplier, List<PurchaseOrderLine> lines, DateOnly day, DateOnly expected)
    {
        var spec = _supplierSpecs[supplier.Id];
        var po = new PurchaseOrder
        {
            Id = _data.PurchaseOrders.Count + 1,
            Number = $"PO-{10001 + _data.PurchaseOrders.Count}",
            SupplierId = supplier.Id,
            Status = PurchaseOrderStatus.Ordered,
            OrderedAt = _clock.StartOfDayUtc(day).AddHours(9),
            CreatedAt = _clock.StartOfDayUtc(day).AddHours(9),
            Lines = lines,
        };
        foreach (var line in lines)
        {
            line.PurchaseOrderId = po.Id;
        }
        var slip = _rng.NextDouble() < spec.OnTimeShare ? -_rng.Next(0, 3) : _rng.Next(1, spec.MaxSlipDays + 1);
        var arrival = expected.AddDays(slip);
        // Most suppliers warn of a delay a few days ahead; some just don't show up.
        var slipKnownFrom = slip > 0 && _rng.NextDouble() < 0.75 ? expected.AddDays(-3) : arrival;
        var sim = new SimPo(po, expected, arrival, slipKnownFrom);
        if (_rng.NextDouble() < 0.08)
        {
            sim.RemainderArrival = arrival.AddDays(_rng.Next(3, 10));
        }
        po.ExpectedDate = expected;
        _pos.Add(sim);
        _data.PurchaseOrders.Add(po);
        _data.PurchaseOrderLines.AddRange(lines);
    }

    /// <summary>Open orders carry what the merchant knows today; a couple of drafts wait to be sent.</summary>
    private void FinishOpenPurchaseOrders(DateOnly today)
    {
        foreach (var po in _pos)
        {
            if (po.Entity.Status.IsOpen())
            {
                var known = po.ExpectedOn(today);
                po.Entity.ExpectedDate = known;
                if (known != po.OriginalExpected)
                {
                    po.Entity.OriginalExpectedDate = po.OriginalExpected;
                }
            }
            else
            {
                // A received order's expected date is the one last agreed; the receipt date shows how late it was.
                po.Entity.ExpectedDate = po.ExpectedOn(po.Arrival.AddDays(-1));
                if (po.Entity.ExpectedDate != po.OriginalExpected)
                {
                    po.Entity.OriginalExpectedDate = po.OriginalExpected;
                }
            }
        }
        foreach (var supplier in _data.Suppliers.Take(2))
        {
            var product = _products.First(p => p.Entity.SupplierId == supplier.Id && !p.Entity.Discontinued);
            var po = new PurchaseOrder
            {
                Id = _data.PurchaseOrders.Count + 1,
                Number = $"PO-{10001 + _data.PurchaseOrders.Count}",
                SupplierId = supplier.Id,
                Status = PurchaseOrderStatus.Draft,
                ExpectedDate = today.AddDays(supplier.DefaultLeadTimeDays),
                CreatedAt = _clock.UtcNow.AddHours(-2),
                Notes = "Draft: review quantities before sending.",
            };
            var line = new PurchaseOrderLine
            {
                Id = ++_poLineId,
                PurchaseOrderId = po.Id,
                ProductId = product.Entity.Id,
                QtyOrdered = 24,
                UnitCostCents = product.Entity.PriceCents * 45 / 100,
            };
            po.Lines.Add(line);
            _data.PurchaseOrders.Add(po);
            _data.PurchaseOrderLines.Add(line);
        }
    }

    /// <summary>Today's ETA of every waiting line, by the same rule that made its promise.</summary>
    private void RecomputeEtas(DateOnly today)
    {
        foreach (var product in _products)
        {
            var queue = product.Queue.Where(l => Unfilled(l) > 0).ToList();
            var etas = AvailabilityRule.QueueEtas(FactsOn(product, today), queue.Select(Unfilled).ToList(), today, null);
            for (var i = 0; i < queue.Count; i++)
            {
                var line = queue[i];
                var before = line.CurrentEta;
                line.CurrentEta = etas[i];
                if (before == etas[i] || line.QueuedAt is not { } queued)
                {
                    continue;
                }
                // The move as the app records it: a history row with its cause, and a delay note when it breaks the promise.
                var at = new[] { _clock.StartOfDayUtc(today.AddDays(-_rng.Next(0, 4))).AddHours(9), queued.AddMinutes(30) }.Max();
                at = at < _clock.UtcNow ? at : _clock.UtcNow.AddMinutes(-5);
                var order = OrderOf(line);
                Record(order, OrderEventKind.EtaChanged,
                    $"{product.Entity.Name}: expected to ship {MessageTemplates.Date(etas[i])} instead of {MessageTemplates.Date(before)} (restock dates changed).", at, line.Id);
                if (etas[i] > line.PromisedShipDate && !(before > line.PromisedShipDate))
                {
                    Tell(order, MessageTemplates.Delay(product.Entity.Name, order.Number, line.Id, etas[i], line.PromisedShipDate), at);
                }
            }
        }
    }

    private void AddLedger(SimProduct product, int onHand, int allocated, StockReason reason, string reference, DateTime at,
        int? orderLineId, int? poLineId, string? user)
    {
        _data.Ledger.Add(new StockLedgerEntry
        {
            Id = ++_ledgerId,
            ProductId = product.Entity.Id,
            OnHandDelta = onHand,
            AllocatedDelta = allocated,
            Reason = reason,
            Reference = reference,
            OrderLineId = orderLineId,
            PurchaseOrderLineId = poLineId,
            UserName = user,
            Channel = ChannelOf(user),
            At = at,
        });
    }
}
