/// The ways a fuzz target feeds one input to an incremental parser. The parser's answer must not
/// depend on which is used (docs/style.md §12: input split at any byte).
public enum Pieces {
    /// Cut points for `count` bytes: none (whole), one at `cut % (count + 1)`, and every
    /// `stride` bytes (stride 1: a byte at a time).
    public static func splits(count: Int, cut: Int, stride: Int) -> [[Int]] {
        let stride = max(stride, 1)
        return [[], [cut % (count + 1)], Array(Swift.stride(from: stride, to: count, by: stride))]
    }

    /// `bytes` cut at `cuts` (ascending, within bounds) into pieces, empty ones included.
    public static func cut(_ bytes: UnsafeRawBufferPointer, at cuts: [Int]) -> [[UInt8]] {
        var pieces: [[UInt8]] = []
        var start = 0
        for end in cuts + [bytes.count] {
            pieces.append(Array(bytes[start..<end]))
            start = end
        }
        return pieces
    }
}
