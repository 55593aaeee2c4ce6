import NIOCore
import NIOHTTP1

/// Collects one HTTP request, asks the server state for a ``ResponsePlan`` and carries it out.
///
/// Runs entirely on the channel's event loop (delays are scheduled tasks, not sleeping
/// Swift tasks), so the fake keeps answering even when a test blocks threads of the
/// Swift concurrency pool.
final class FakeHTTPHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    private let state: FakeServerState
    private var requestHead: HTTPRequestHead?
    private var requestBody: [UInt8] = []
    /// The next delayed step of the response in progress, cancelled when the connection goes away.
    private var scheduled: Scheduled<Void>?
    private var isActive = true
    /// From a request's end until its response is complete (or dropped on purpose).
    private var isResponding = false

    init(state: FakeServerState) {
        self.state = state
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let head):
            requestHead = head
            requestBody = []
        case .body(let buffer):
            requestBody.append(contentsOf: buffer.readableBytesView)
        case .end:
            guard let head = requestHead else { return }
            requestHead = nil
            let request = RecordedRequest(
                method: head.method.rawValue, path: head.uri,
                headers: head.headers.map { (name: $0.name, value: $0.value) }, body: requestBody)
            requestBody = []
            isResponding = true
            let plan = state.respond(to: request)
            after(plan.delayBeforeHead, context: context) {
                self.sendHead(plan, request: head, context: context)
            }
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        if isResponding { state.responseCutOff() }
        isResponding = false
        stop()
        context.fireChannelInactive()
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        stop()
    }

    func errorCaught(context: ChannelHandlerContext, error: Error) {
        stop()
        context.close(promise: nil)
    }

    private func stop() {
        isActive = false
        scheduled?.cancel()
        scheduled = nil
    }

    /// Runs `step` now, or after `delay` on the event loop.
    private func after(_ delay: Duration, context: ChannelHandlerContext, _ step: @escaping () -> Void) {
        guard isActive else { return }
        if delay <= .zero {
            step()
        } else {
            scheduled = context.eventLoop.assumeIsolated().scheduleTask(in: TimeAmount(delay)) {
                guard self.isActive else { return }
                step()
            }
        }
    }

    private func sendHead(_ plan: ResponsePlan, request: HTTPRequestHead, context: ChannelHandlerContext) {
        guard let head = plan.head else {
            finish(plan, keepAlive: false, lastWrite: nil, context: context)
            return
        }
        var headers = HTTPHeaders(head.headers)
        if !request.isKeepAlive { headers.replaceOrAdd(name: "Connection", value: "close") }
        let responseHead = HTTPResponseHead(
            version: request.version, status: HTTPResponseStatus(statusCode: head.status), headers: headers)
        let written = context.writeAndFlush(wrapOutboundOut(.head(responseHead)))
        sendBody(plan, index: 0, keepAlive: request.isKeepAlive, lastWrite: written, context: context)
    }

    private func sendBody(
        _ plan: ResponsePlan, index: Int, keepAlive: Bool, lastWrite: EventLoopFuture<Void>, context: ChannelHandlerContext
    ) {
        guard index < plan.writes.count else {
            finish(plan, keepAlive: keepAlive, lastWrite: lastWrite, context: context)
            return
        }
        after(index == 0 ? .zero : plan.delayBetweenWrites, context: context) {
            let buffer = context.channel.allocator.buffer(bytes: plan.writes[index])
            let written = context.writeAndFlush(self.wrapOutboundOut(.body(.byteBuffer(buffer))))
            self.sendBody(plan, index: index + 1, keepAlive: keepAlive, lastWrite: written, context: context)
        }
    }

    private func finish(_ plan: ResponsePlan, keepAlive: Bool, lastWrite: EventLoopFuture<Void>?, context: ChannelHandlerContext) {
        let channel = context.channel
        switch plan.ending {
        case .complete:
            isResponding = false
            let ended = context.writeAndFlush(wrapOutboundOut(.end(nil)))
            if !keepAlive { ended.whenComplete { _ in channel.close(promise: nil) } }
        case .stall:
            break
        case .drop:
            isResponding = false
            // Close once the bytes are handed to the kernel, so the client receives them before the FIN.
            if let lastWrite {
                lastWrite.whenComplete { _ in channel.close(promise: nil) }
            } else {
                context.close(promise: nil)
            }
        }
    }
}
