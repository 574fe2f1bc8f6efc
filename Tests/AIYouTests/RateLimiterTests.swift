import Foundation
import Synchronization
import Testing

@_spi(Benchmarks) @testable import AIYou

@Suite("Client-side rate limiter")
struct RateLimiterTests {
    static func limiter(_ rate: Double, burst: Int, maxWait: Duration = .seconds(60), clock: SteppedClock) -> RateLimiter {
        RateLimiter(
            configuration: .init(requestsPerSecond: rate, burst: burst, maxWait: maxWait),
            maxWait: maxWait,
            timeSource: clock.source
        )
    }

    @Test("a burst goes through at once, without sleeping")
    func burst() async throws {
        let clock = SteppedClock()
        let limiter = Self.limiter(10, burst: 5, clock: clock)
        for _ in 0..<5 { try await limiter.acquire() }
        #expect(clock.sleepDurations.isEmpty)
        #expect(clock.elapsed == .zero)
    }

    @Test("50/s with burst 5: 200 calls from 64 tasks are admitted at exactly the rate, none later than needed")
    func rate() async throws {
        let clock = SteppedClock()
        let limiter = Self.limiter(50, burst: 5, clock: clock)
        let admitted = Locked<[Duration]>([])
        let finishedTasks = Locked(0)
        try await withThrowingTaskGroup(of: Void.self) { group in
            for task in 0..<64 {
                group.addTask {
                    // 200 calls spread over 64 tasks: 8 tasks make 4 calls, the others 3.
                    for _ in 0..<(task < 8 ? 4 : 3) {
                        let at = try await limiter.acquire()
                        admitted.withLock { $0.append(at - clock.start) }
                    }
                    finishedTasks.withLock { $0 += 1 }
                }
            }
            group.addTask {
                // Time moves only once every unfinished task waits in the limiter and its timer sleeps,
                // so each admission happens at the earliest instant the limiter allows.
                while admitted.withLock({ $0.count }) < 200 {
                    try await eventually {
                        (limiter.waitingCount == 64 - finishedTasks.value && clock.sleeperCount == 1)
                            || admitted.withLock { $0.count } == 200
                    }
                    clock.advanceToNextDeadline()
                }
            }
            try await group.waitForAll()
        }
        let times = admitted.withLock { $0 }.sorted()
        #expect(times.count == 200)
        // The k-th admission (0-based) is due at max(0, k - 4) / 50 s: no earlier, and no later.
        for (k, time) in times.enumerated() {
            let due = Duration.milliseconds(max(0, k - 4) * 20)
            #expect(abs((time - due).seconds) < 0.000_01, "admission \(k) at \(time), due \(due)")
        }
        let achieved = Double(times.count - 5) / (times.last! - times[4]).seconds
        #expect(abs(achieved - 50) / 50 < 0.05, "achieved \(achieved)/s")
    }

    @Test("waiters are served in arrival order")
    func fifo() async throws {
        let clock = SteppedClock()
        let limiter = Self.limiter(100, burst: 1, clock: clock)
        try await limiter.acquire()
        let order = Locked<[Int]>([])
        try await withThrowingTaskGroup(of: Void.self) { group in
            for index in 0..<20 {
                group.addTask {
                    try await limiter.acquire()
                    order.withLock { $0.append(index) }
                }
                try await eventually { limiter.waitingCount == index + 1 }
            }
            group.addTask {
                while order.withLock({ $0.count }) < 20 {
                    try await eventually { clock.sleeperCount == 1 || order.withLock { $0.count } == 20 }
                    clock.advanceToNextDeadline()
                }
            }
            try await group.waitForAll()
        }
        #expect(order.withLock { $0 } == Array(0..<20))
    }

    @Test("with maxWait 100 ms the excess callers fail at once with an accurate retryAfter")
    func maxWait() async throws {
        let clock = SteppedClock()
        let limiter = Self.limiter(50, burst: 5, maxWait: .milliseconds(100), clock: clock)
        let results = Locked<[Result<Duration, AIYouError>]>([])
        try await withThrowingTaskGroup(of: Void.self) { group in
            for _ in 0..<20 {
                group.addTask {
                    do {
                        let at = try await limiter.acquire()
                        results.withLock { $0.append(.success(at - clock.start)) }
                    } catch let error as AIYouError {
                        results.withLock { $0.append(.failure(error)) }
                    }
                }
            }
            group.addTask {
                // Every caller arrives at virtual time zero: wait until each one is admitted,
                // refused or queued before time moves.
                try await eventually { results.withLock { $0.count } + limiter.waitingCount == 20 }
                while results.withLock({ $0.count }) < 20 {
                    try await eventually { clock.sleeperCount == 1 || results.withLock { $0.count } == 20 }
                    clock.advanceToNextDeadline()
                }
            }
            try await group.waitForAll()
        }
        let all = results.withLock { $0 }
        let admitted = all.compactMap { try? $0.get() }
        let refused = all.compactMap { result -> AIYouError? in if case .failure(let error) = result { error } else { nil } }
        #expect(admitted.count == 10, "5 at once, then one each 20 ms up to 100 ms")
        #expect(admitted.allSatisfy { $0 <= .milliseconds(100) })
        #expect(refused.count == 10)
        for error in refused {
            #expect(error.code == .rateLimited)
            #expect(error.retryAfter == .milliseconds(120))
        }
        // Coming back after retryAfter does get through without waiting more.
        clock.advance(by: .milliseconds(120) - clock.elapsed)
        let again = try await limiter.acquire()
        #expect(again - clock.start == .milliseconds(120))
    }

    @Test("a cancelled waiter returns at once and gives its place back")
    func cancellation() async throws {
        let clock = SteppedClock()
        let limiter = Self.limiter(1, burst: 1, clock: clock)
        try await limiter.acquire()
        let waiting = Task { try await limiter.acquire() }
        try await eventually { limiter.waitingCount == 1 }
        waiting.cancel()
        let result = await waiting.result
        guard case .failure(let error as AIYouError) = result else {
            Issue.record("expected a cancelled error, got \(result)")
            return
        }
        #expect(error.code == .cancelled)
        #expect(limiter.waitingCount == 0)
        #expect(clock.elapsed == .zero, "returned on cancellation: the virtual wait of 1 s never elapsed")
        // The next caller is first in line: admitted after one interval, not two.
        let next = Task { try await limiter.acquire() }
        try await eventually { limiter.waitingCount == 1 && clock.sleeperCount == 1 }
        clock.advanceToNextDeadline()
        #expect(try await next.value - clock.start == .seconds(1))
    }

    @Test("a pause holds everyone until it ends; rate-limit headers pause too")
    func pause() async throws {
        let clock = SteppedClock()
        let limiter = RateLimiter(configuration: nil, maxWait: .seconds(60), timeSource: clock.source)
        try await limiter.acquire()
        limiter.serverAskedToWait(.seconds(2), ceiling: .seconds(60))
        let task = Task { try await limiter.acquire() }
        // Wait for the limiter's timer to be asleep too, or advancing would not wake it.
        try await eventually { limiter.waitingCount == 1 && clock.sleeperCount == 1 }
        clock.advance(by: .seconds(1))
        #expect(limiter.waitingCount == 1)
        clock.advance(by: .seconds(1))
        #expect(try await task.value - clock.start == .seconds(2))
        limiter.serverAskedToWait(.milliseconds(500), ceiling: .seconds(60))
        let afterReset = Task { try await limiter.acquire() }
        try await eventually { limiter.waitingCount == 1 && clock.sleeperCount == 1 }
        clock.advanceToNextDeadline()
        #expect(try await afterReset.value - clock.start == .milliseconds(2500))
        let refusedLong = RateLimiter(configuration: nil, maxWait: .seconds(1), timeSource: clock.source)
        refusedLong.serverAskedToWait(.seconds(30), ceiling: .seconds(60))
        do {
            try await refusedLong.acquire()
            Issue.record("expected a rate-limit error")
        } catch {
            #expect(error.code == .rateLimited)
            #expect(error.retryAfter == .seconds(30))
        }
    }

    @Test("without a rate, callers skip the lock until a pause, and again once it has ended")
    func lockFreeWhenUnlimited() async throws {
        let clock = SteppedClock()
        let limiter = RateLimiter(configuration: nil, maxWait: .seconds(60), timeSource: clock.source)
        #expect(limiter.isOnFastPath)
        try await limiter.acquire()
        limiter.serverAskedToWait(.seconds(1), ceiling: .seconds(60))
        #expect(!limiter.isOnFastPath)
        let held = Task { try await limiter.acquire() }
        try await eventually { limiter.waitingCount == 1 && clock.sleeperCount == 1 }
        clock.advanceToNextDeadline()
        #expect(try await held.value - clock.start == .seconds(1))
        try await eventually { limiter.isOnFastPath }
        #expect(try await limiter.acquire() - clock.start == .seconds(1))
        // A configured rate always takes the lock (the bucket must count).
        #expect(!Self.limiter(1e9, burst: 1, clock: clock).isOnFastPath)
    }

    @Test("reset headers parse as Go durations, seconds or timestamps")
    func resetHeaders() {
        let now = Date(timeIntervalSince1970: 1_800_000_000)
        #expect(RetryPolicy.resetDelay("1s", now: now) == .seconds(1))
        #expect(RetryPolicy.resetDelay("250ms", now: now) == .milliseconds(250))
        #expect(RetryPolicy.resetDelay("1m30s", now: now) == .seconds(90))
        #expect(RetryPolicy.resetDelay("0.5", now: now) == .milliseconds(500))
        #expect(RetryPolicy.resetDelay("soon", now: now) == nil)
        #expect(RetryPolicy.resetDelay("1800000030", now: now) == .seconds(30))
    }

    @Test("a wait beyond the ceiling refuses callers at once for the ceiling, then the client sends again by itself")
    func refusalBeyondCeiling() async throws {
        let clock = SteppedClock()
        let limiter = RateLimiter(configuration: nil, maxWait: .seconds(60), timeSource: clock.source)
        limiter.serverAskedToWait(.seconds(86_400), ceiling: .seconds(5))
        for _ in 0..<3 {
            do {
                try await limiter.acquire()
                Issue.record("expected a rate-limit error")
            } catch {
                #expect(error.code == .rateLimited)
                #expect(error.retryAfter == .seconds(86_400), "the service's delay is reported")
            }
        }
        #expect(limiter.waitingCount == 0, "nobody waits: they failed fast")
        clock.advance(by: .seconds(5))
        #expect(try await limiter.acquire() - clock.start == .seconds(5), "after the ceiling the client sends again")
        #expect(limiter.tryAcquire())
    }

    @Test("shutdown ends every wait with clientShutdown and refuses new ones")
    func shutdownEndsWaits() async throws {
        let clock = SteppedClock()
        let limiter = RateLimiter(configuration: nil, maxWait: .seconds(60), timeSource: clock.source)
        limiter.serverAskedToWait(.seconds(30), ceiling: .seconds(60))
        let waiters = (0..<5).map { _ in Task { try await limiter.acquire() } }
        try await eventually { limiter.waitingCount == 5 }
        limiter.shutdown()
        for waiter in waiters {
            await expectAIYouError(.clientShutdown) { try await waiter.value }
        }
        await expectAIYouError(.clientShutdown) { try await limiter.acquire() }
    }
}
