/// `/edit`, `/copy`, `/image`: writing in the editor, taking answers out, making images.
@MainActor
struct ComposeCommands {
    let state: REPLState

    func handle(_ command: SlashCommand) async {
        let renderer = state.renderer
        switch command {
        case .edit(let initial):
            guard let terminal = state.services.terminal else {
                renderer.error("/edit needs a terminal and $VISUAL or $EDITOR")
                return
            }
            switch terminal.compose(initial ?? "") {
            case .success(let text?) where !text.trimmingWhitespace().isEmpty:
                state.services.reader.remember(text)
                await TurnRunner(state: state).send(text)
            case .success:
                renderer.notice("empty message; nothing sent")
            case .failure(let failure):
                renderer.error(failure.message)
            }
        case .copy(let codeOnly):
            guard let answer = state.lastAnswer else {
                renderer.notice("nothing to copy yet")
                return
            }
            guard let text = codeOnly ? CodeBlocks.last(in: answer) : answer else {
                renderer.notice("the last answer has no code block")
                return
            }
            if state.services.terminal?.copy(text) == true {
                renderer.notice("copied \(text.count) characters")
            } else {
                renderer.notice("this terminal cannot take the clipboard (OSC 52); nothing copied")
            }
        case .image(nil):
            state.usage("/image PROMPT")
        case .image(let prompt?):
            guard let images = state.services.images else {
                renderer.error("image generation is not available here")
                return
            }
            renderer.notice("generating an image…")
            switch await images.generate(prompt: prompt) {
            case .success(let (shown, note)):
                renderer.output(shown + "\n")
                state.session.recordSuccess(user: "/image " + prompt, answer: note, usage: nil)
                state.autosave()
            case .failure(let failure):
                renderer.error(failure.message)
            }
        default:
            break
        }
    }
}
