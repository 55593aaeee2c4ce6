# bankfuture-chat — build, run, test.
SWIFT ?= swift
PREFIX ?= /usr/local
CONFIG ?= debug
BIN := .build/$(CONFIG)/bankfuture-chat

.PHONY: run deps build release test lint format demo install clean bench

## make run: install what is needed, build, and start the chat.
## With OPENROUTER_API_KEY set it talks to OpenRouter; without it, it starts offline and says why.
run: deps build
	@if [ -z "$$OPENROUTER_API_KEY" ]; then \
	  echo "OPENROUTER_API_KEY is not set: starting the built-in offline responder (--offline). Set it with: export OPENROUTER_API_KEY=sk-or-... (https://openrouter.ai/keys)" >&2; \
	  exec $(BIN) --offline $(ARGS); \
	else \
	  exec $(BIN) $(ARGS); \
	fi

## make deps: system packages (libedit-dev, libsqlite3-dev; tmux, python3 for tests), only when missing, and
## mcp-server-time in .build/mcp-venv. It fails when something cannot be installed: the tests need it all.
deps:
	@./.ci/install-deps

build:
	$(SWIFT) build -c $(CONFIG) --product bankfuture-chat
	$(SWIFT) build -c $(CONFIG) --product bankfuture-chat-tools
	$(SWIFT) build -c $(CONFIG) --product fake-openrouter

## make release: the optimised binary, with the Swift runtime and Foundation linked in
## (--static-swift-stdlib): it starts faster and uses less memory than one that loads them
## as shared libraries, and needs no Swift runtime installed where it runs.
release:
	$(SWIFT) build -c release --static-swift-stdlib --product bankfuture-chat
	$(SWIFT) build -c release --static-swift-stdlib --product bankfuture-chat-tools

## make test: every test suite, including end-to-end tests of the built binaries.
## Swift Testing starts every test at once unless told otherwise; hundreds of servers and
## programs at once on two cores make tests that wait for an answer time out, so at most
## TEST_WIDTH test cases run at a time (Swift Testing's SWT_EXPERIMENTAL_MAXIMUM_PARALLELIZATION_WIDTH).
TEST_WIDTH ?= 8
test: deps
	$(SWIFT) build --build-tests
	SWT_EXPERIMENTAL_MAXIMUM_PARALLELIZATION_WIDTH=$(TEST_WIDTH) $(SWIFT) test --skip-build

## make lint: the house style (.swift-format), checked strictly; `make format` applies it.
lint:
	$(SWIFT) format lint --strict -r Sources Tests

format:
	$(SWIFT) format -i -r Sources Tests

## make demo: the fake OpenRouter on a free port and the client pointed at it.
demo: deps build
	@./scripts/demo.sh $(BIN) .build/$(CONFIG)/fake-openrouter

## make install PREFIX=...: the binaries (the chat and its tool host) and bash/zsh/fish completions.
install: release
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/bash-completion/completions \
	  $(DESTDIR)$(PREFIX)/share/zsh/site-functions $(DESTDIR)$(PREFIX)/share/fish/vendor_completions.d
	install -m 0755 .build/release/bankfuture-chat $(DESTDIR)$(PREFIX)/bin/bankfuture-chat
	install -m 0755 .build/release/bankfuture-chat-tools $(DESTDIR)$(PREFIX)/bin/bankfuture-chat-tools
	.build/release/bankfuture-chat --generate-completion-script bash > $(DESTDIR)$(PREFIX)/share/bash-completion/completions/bankfuture-chat
	.build/release/bankfuture-chat --generate-completion-script zsh > $(DESTDIR)$(PREFIX)/share/zsh/site-functions/_bankfuture-chat
	.build/release/bankfuture-chat --generate-completion-script fish > $(DESTDIR)$(PREFIX)/share/fish/vendor_completions.d/bankfuture-chat.fish

## make bench: release builds, then every benchmark against the fake on 127.0.0.1 (with
## curl, llm and sgpt beside ours) and the table of docs/PERFORMANCE.md. Not part of make test.
bench:
	./Benchmarks/run.sh

clean:
	rm -rf .build
