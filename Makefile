# stackctl: the two commands a new machine needs are `make demo` and `make test`.

SHELL := bash
.SHELLFLAGS := -eu -o pipefail -c

# The build cache lives outside the clone, so fresh clones and CI runs reuse it.
export CARGO_TARGET_DIR ?= $(HOME)/.cache/stackctl/target
export STACKCTL_CACHE_DIR ?= $(HOME)/.cache/stackctl
# The tests' emulator: MiniStack on LocalStack's port; set AWS_ENDPOINT_URL to use another.
export GATEWAY_PORT ?= 4566
EMULATOR := localstack/emulator
STACKCTL := $(CARGO_TARGET_DIR)/debug/stackctl

.PHONY: build demo test test-rust test-emulator lint fmt clean-emulator

build:
	cargo build

## make demo: build, bring the local emulator up, validate the example stacks.
demo: build
	$(EMULATOR) up
	@for f in stacks/*.yaml; do echo "+ stackctl validate $$f"; $(STACKCTL) validate "$$f"; done
	@echo
	@echo "The emulator is still running on 127.0.0.1:$(GATEWAY_PORT); stop it with: $(EMULATOR) down"

## make test: every test. Brings the emulator up and down itself.
test: lint
	$(EMULATOR) test
	$(EMULATOR) up
	trap '$(EMULATOR) down' EXIT; \
	  AWS_ENDPOINT_URL=$${AWS_ENDPOINT_URL:-http://127.0.0.1:$(GATEWAY_PORT)} cargo test --all-targets --no-fail-fast

lint:
	cargo fmt --all -- --check
	cargo clippy --all-targets -- -D warnings

fmt:
	cargo fmt --all
