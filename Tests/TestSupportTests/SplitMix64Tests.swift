import TestSupport
import Testing

/// The seeded generator of the property tests: the published SplitMix64 sequence, so a
/// failing seed replays anywhere.
@Suite struct SplitMix64Tests {
    @Test func seedZeroGivesThePublishedSequence() {
        var rng = SplitMix64(seed: 0)
        #expect((0..<3).map { _ in rng.next() } == [0xE220_A839_7B1D_CDAF, 0x6E78_9E6A_A1B9_65F4, 0x06C4_5D18_8009_454F])
    }

    @Test func theSameSeedRepeatsAndAnotherDiffers() {
        var first = SplitMix64(seed: 99)
        var again = SplitMix64(seed: 99)
        var other = SplitMix64(seed: 100)
        let a = (0..<100).map { _ in first.next() }
        #expect(a == (0..<100).map { _ in again.next() })
        #expect(a != (0..<100).map { _ in other.next() })
        #expect(Set(a).count == 100)
    }

    @Test func drivesTheStandardLibrarysRandomness() {
        var rng = SplitMix64(seed: 7)
        var replay = SplitMix64(seed: 7)
        let picks = (0..<50).map { _ in Int.random(in: 0..<10, using: &rng) }
        #expect(picks == (0..<50).map { _ in Int.random(in: 0..<10, using: &replay) })
        #expect(Set(picks).count > 5)
    }
}
