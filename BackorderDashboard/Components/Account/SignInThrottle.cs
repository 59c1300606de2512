using System.Collections.Concurrent;

namespace BackorderDashboard.Components.Account;

/// <summary>What one more wrong password led to.</summary>
/// <param name="AddressBlocked">This address may not try this account again for <see cref="SignInThrottle.AddressBlock"/>.</param>
/// <param name="PauseAccountUntil">When set, the account as a whole is paused until then (many addresses are guessing).</param>
/// <param name="InARow">Wrong passwords for this account from this address within <see cref="SignInThrottle.AddressWindow"/>, this one included.</param>
public sealed record SignInFailure(bool AddressBlocked, DateTimeOffset? PauseAccountUntil, int InARow);

/// <summary>
/// The lockout on wrong passwords, counted per account and client address instead of per account alone. Identity's
/// own lockout counts every failure against the account, so anyone who knows an e-mail address could lock its owner
/// out again and again; here <see cref="FailuresPerAddress"/> wrong passwords within <see cref="AddressWindow"/> block
/// only the address they came from, for <see cref="AddressBlock"/>, and the owner signs in from anywhere else. Guessing
/// from many addresses at once (<see cref="FailuresPerAccount"/> failures within <see cref="AccountWindow"/>) pauses
/// the account for everyone, but only for <see cref="AccountPause"/>. Kept in memory: a restart forgets it.
/// </summary>
public sealed class SignInThrottle(TimeProvider time)
{
    public const int FailuresPerAddress = 5;
    public static readonly TimeSpan AddressWindow = TimeSpan.FromMinutes(15);
    public static readonly TimeSpan AddressBlock = TimeSpan.FromMinutes(15);

    public const int FailuresPerAccount = 20;
    public static readonly TimeSpan AccountWindow = TimeSpan.FromMinutes(5);
    public static readonly TimeSpan AccountPause = TimeSpan.FromMinutes(2);

    /// <summary>Above this many tracked pairs, expired ones are dropped on the next failure.</summary>
    private const int PruneAbove = 10_000;

    private readonly ConcurrentDictionary<(string UserId, string Address), Failures> _byAddress = new();
    private readonly ConcurrentDictionary<string, Failures> _byAccount = new();

    /// <summary>How long this address must still wait before it may try this account again; null when it may now.</summary>
    public TimeSpan? BlockedFor(string userId, string address)
    {
        var now = time.GetUtcNow();
        return _byAddress.TryGetValue((userId, address), out var failures) && failures.BlockedUntil is { } until && until > now ? until - now : null;
    }

    public SignInFailure Failed(string userId, string address)
    {
        var now = time.GetUtcNow();
        if (_byAddress.Count > PruneAbove)
        {
            Prune(now);
        }
        var pair = _byAddress.GetOrAdd((userId, address), _ => new Failures());
        var (blocked, inARow) = pair.Add(now, AddressWindow, FailuresPerAddress, AddressBlock);
        var account = _byAccount.GetOrAdd(userId, _ => new Failures());
        var (paused, _) = account.Add(now, AccountWindow, FailuresPerAccount, AccountPause);
        return new SignInFailure(blocked, paused ? now + AccountPause : null, inARow);
    }

    /// <summary>A right password from this address clears that address's count (not other addresses').</summary>
    public void Succeeded(string userId, string address) => _byAddress.TryRemove((userId, address), out _);

    private void Prune(DateTimeOffset now)
    {
        foreach (var (key, failures) in _byAddress)
        {
            if (failures.IsIdle(now, AddressWindow))
            {
                _byAddress.TryRemove(key, out _);
            }
        }
        foreach (var (key, failures) in _byAccount)
        {
            if (failures.IsIdle(now, AccountWindow))
            {
                _byAccount.TryRemove(key, out _);
            }
        }
    }

    /// <summary>The times of recent failures of one key, and the end of its block.</summary>
    private sealed class Failures
    {
        private readonly Queue<DateTimeOffset> _times = new();

        public DateTimeOffset? BlockedUntil { get; private set; }

        /// <summary>Counts a failure: whether it starts a block (the count within the window reached the limit), and the count.</summary>
        public (bool Blocked, int Count) Add(DateTimeOffset now, TimeSpan window, int limit, TimeSpan block)
        {
            lock (_times)
            {
                while (_times.Count > 0 && now - _times.Peek() >= window)
                {
                    _times.Dequeue();
                }
                _times.Enqueue(now);
                var count = _times.Count;
                if (count < limit)
                {
                    return (false, count);
                }
                // The block starts now and the count starts again, so a block never outlasts its own length.
                _times.Clear();
                BlockedUntil = now + block;
                return (true, count);
            }
        }

        public bool IsIdle(DateTimeOffset now, TimeSpan window)
        {
            lock (_times)
            {
                return (BlockedUntil is null || BlockedUntil <= now) && (_times.Count == 0 || now - _times.Last() >= window);
            }
        }
    }
}
