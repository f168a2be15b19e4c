import NIOCore
import NIOHTTPTypes

/// Closes a connection whose request stops arriving: from a request's head to its end, each
/// read must come within `timeout` of the one before (a slow client cannot hold a connection
/// and its worker). Between requests, Hummingbird's idle timeout applies.
final class ReadTimeoutHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart

    let timeout: TimeAmount
    private var task: Scheduled<Void>?
    private var inRequest = false

    init(timeout: TimeAmount) { self.timeout = timeout }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head:
            inRequest = true
            schedule(context)
        case .body:
            schedule(context)
        case .end:
            inRequest = false
            task?.cancel()
            task = nil
        }
        context.fireChannelRead(data)
    }

    private func schedule(_ context: ChannelHandlerContext) {
        task?.cancel()
        let loopBound = NIOLoopBound(context, eventLoop: context.eventLoop)
        task = context.eventLoop.scheduleTask(in: timeout) { [weak self] in
            guard let self, self.inRequest else { return }
            loopBound.value.close(promise: nil)
        }
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        task?.cancel()
        task = nil
    }

    func channelInactive(context: ChannelHandlerContext) {
        task?.cancel()
        task = nil
        context.fireChannelInactive()
    }
}
