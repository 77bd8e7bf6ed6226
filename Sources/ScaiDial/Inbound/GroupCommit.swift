/// Group commit: items that arrive while a batch is being processed wait, and go together in the
/// next batch. One batch at a time, so a lone caller is processed at once (a batch of one) and a
/// crowd shares the database's round trips and transactions instead of queueing for them one by one.
actor GroupCommit<Item: Sendable, Output: Sendable> {
    typealias Process = @Sendable ([Item]) async -> [Result<Output, any Error>]

    private let maxBatch: Int
    private let process: Process
    private var waiting: [(item: Item, reply: CheckedContinuation<Output, any Error>)] = []
    private var draining = false
    /// How many batches ran and how many items they held (for tests and the benchmark).
    private(set) var batches = 0
    private(set) var items = 0
    /// Items waiting for the next batch.
    var queued: Int { waiting.count }

    /// `process` answers every item of a batch, in order; a batch holds at least one item.
    init(maxBatch: Int, process: @escaping Process) {
        self.maxBatch = max(1, maxBatch)
        self.process = process
    }

    func submit(_ item: Item) async throws -> Output {
        try await withCheckedThrowingContinuation { reply in
            waiting.append((item, reply))
            if !draining {
                draining = true
                Task { await drain() }
            }
        }
    }

    private func drain() async {
        while !waiting.isEmpty {
            let batch = Array(waiting.prefix(maxBatch))
            waiting.removeFirst(batch.count)
            batches += 1
            items += batch.count
            let results = await process(batch.map(\.item))
            for (index, waiter) in batch.enumerated() {
                waiter.reply.resume(
                    with: index < results.count ? results[index] : .failure(GroupCommitError.unanswered))
            }
        }
        draining = false
    }
}

enum GroupCommitError: Error, CustomStringConvertible {
    case unanswered
    var description: String { "the batch gave no answer for this item" }
}
