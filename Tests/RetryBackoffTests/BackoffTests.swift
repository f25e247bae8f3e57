import Testing
@testable import RetryBackoff

@Suite struct BackoffTests {
    @Test func ceilingDoublesUpToTheCap() {
        var backoff = Backoff(baseMilliseconds: 100, capMilliseconds: 1_000)
        var ceilings: [Int] = []
        for _ in 0..<6 {
            ceilings.append(backoff.ceilingMilliseconds)
            _ = backoff.failed(fraction: 0.5)
        }
        #expect(ceilings == [100, 200, 400, 800, 1_000, 1_000])
    }

    @Test func delayIsTheJitteredFractionOfTheCeiling() {
        var backoff = Backoff(baseMilliseconds: 100, capMilliseconds: 10_000)
        #expect(backoff.failed(fraction: 0.25) == 25)
        #expect(backoff.failed(fraction: 0.999) == 199)
        #expect(backoff.failed(fraction: 0) == 1)
        #expect(backoff.failed(fraction: 7) == 800)
    }

    @Test func successResets() {
        var backoff = Backoff(baseMilliseconds: 50, capMilliseconds: 10_000)
        for _ in 0..<5 { _ = backoff.failed(fraction: 1) }
        backoff.succeeded()
        #expect(backoff.attempt == 0)
        #expect(backoff.ceilingMilliseconds == 50)
    }

    @Test func manyFailuresDoNotOverflow() {
        var backoff = Backoff(baseMilliseconds: 1_000, capMilliseconds: 60_000)
        for _ in 0..<200 { _ = backoff.failed(fraction: 1) }
        #expect(backoff.ceilingMilliseconds == 60_000)
    }
}
