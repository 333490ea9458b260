import Ethereum

extension ChatHub {
    /// How a hub behaves; the defaults serve a DAO's chat on one machine.
    public struct Configuration: Sendable {
        /// This hub's name, signed into every `ChatMessage.hub` so that a message cannot be replayed
        /// onto another hub (set it to the public host name, e.g. "chat.example-dao.org").
        public var hub: String
        /// Largest message body, UTF-8 bytes.
        public var maxBodyBytes: Int = 16 * 1024
        /// How far a message's timestamp may be from the hub's clock, milliseconds.
        public var maxClockSkew: UInt64 = 5 * 60 * 1000
        /// Addresses (the bot's) whose posts skip gating and the per-address rate.
        public var operators: Set<Address> = []
        /// Posts per sender address; nil for none.
        public var postRatePerAddress: RateLimit? = RateLimit(perSecond: 2, burst: 20)
        /// Largest number of drafts committed in one transaction.
        public var maxBatch: Int = 1024
        /// Largest number of drafts waiting for the writer before posts get `overloaded`.
        public var maxPending: Int = 16 * 1024
        /// Largest page of messages or groups served at once.
        public var maxPage: Int = 500

        public init(hub: String) {
            self.hub = hub
        }
    }
}
