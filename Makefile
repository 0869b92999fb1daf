# stackctl: the two commands a new machine needs are `make demo` and `make test`.

SHELL := bash
.SHELLFLAGS := -eu -o pipefail -c

# The build cache lives outside the clone, so fresh clones and CI runs reuse it.
export CARGO_TARGET_DIR ?= $(HOME)/.cache/stackctl/target
export STACKCTL_CACHE_DIR ?= $(HOME)/.cache/stackctl
# The tests' emulator: MiniStack on LocalStack's port; set AWS_ENDPOINT_URL to use another.
export GATEWAY_PORT ?= 4566
# A second emulator for the fault-injection tests (its fault rules would disturb the others).
FAULTS_PORT ?= 4597
EMULATOR := localstack/emulator
STACKCTL := $(CARGO_TARGET_DIR)/debug/stackctl

.PHONY: build demo test bench lint fmt

build:
	cargo build

# The demo talks to the local emulator unless AWS_ENDPOINT_URL says otherwise.
DEMO_ENV := AWS_ENDPOINT_URL=$${AWS_ENDPOINT_URL:-http://127.0.0.1:$(GATEWAY_PORT)} \
	AWS_ACCESS_KEY_ID=$${AWS_ACCESS_KEY_ID:-test} AWS_SECRET_ACCESS_KEY=$${AWS_SECRET_ACCESS_KEY:-test} \
	AWS_REGION=$${AWS_REGION:-us-east-1}

## make demo: build, bring the local emulator up, validate the examples, then plan and apply
## stacks/staging.yaml and plan again to show that nothing is left to do.
demo: build
	$(EMULATOR) up
	@for f in stacks/*.yaml; do echo "+ stackctl validate $$f"; $(STACKCTL) validate "$$f"; done
	$(DEMO_ENV) $(EMULATOR) seed-network shop-staging
	@echo "+ stackctl plan stacks/staging.yaml"
	@$(DEMO_ENV) $(STACKCTL) plan stacks/staging.yaml
	@echo "+ stackctl apply --auto-approve stacks/staging.yaml"
	@$(DEMO_ENV) $(STACKCTL) apply --auto-approve stacks/staging.yaml
	@echo "+ stackctl plan --detailed-exitcode stacks/staging.yaml   # exit 0: nothing left to do"
	@$(DEMO_ENV) $(STACKCTL) plan --detailed-exitcode stacks/staging.yaml
	@echo
	@echo "The emulator is still running on 127.0.0.1:$(GATEWAY_PORT); stop it with: $(EMULATOR) down"

## make test: every test. Brings the emulators up (from a reset state) and down itself.
test: lint
	$(EMULATOR) test
	trap '$(EMULATOR) down; GATEWAY_PORT=$(FAULTS_PORT) $(EMULATOR) down' EXIT; \
	  $(EMULATOR) up && GATEWAY_PORT=$(FAULTS_PORT) $(EMULATOR) up && \
	  $(EMULATOR) reset >/dev/null && GATEWAY_PORT=$(FAULTS_PORT) $(EMULATOR) reset >/dev/null && \
	  AWS_ENDPOINT_URL=$${AWS_ENDPOINT_URL:-http://127.0.0.1:$(GATEWAY_PORT)} \
	  STACKCTL_FAULTS_ENDPOINT_URL=$${STACKCTL_FAULTS_ENDPOINT_URL:-http://127.0.0.1:$(FAULTS_PORT)} \
	  cargo test --lib --bins --tests --no-fail-fast

## make bench: validate a generated 50 MB spec (time and peak memory); then plan and apply
## through a 50 ms latency proxy in front of the emulator; prints wall time, AWS calls and
## sequential round trips (debug build: the figures are counts); then apply with each create
## taking 20 s in the emulator: makespan / critical path, and the calls spent waiting.
bench: build
	cargo bench --profile dev --bench validate
	$(EMULATOR) up
	AWS_ENDPOINT_URL=$${AWS_ENDPOINT_URL:-http://127.0.0.1:$(GATEWAY_PORT)} cargo bench --profile dev --bench stackctl
	AWS_ENDPOINT_URL=$${AWS_ENDPOINT_URL:-http://127.0.0.1:$(GATEWAY_PORT)} cargo bench --profile dev --bench waits

lint:
	cargo fmt --all -- --check
	cargo clippy --all-targets -- -D warnings

fmt:
	cargo fmt --all
