# The two set-up commands (see README): `make test` and `make run`.
JOBS ?= $(shell nproc)
BUILD ?= build
MODEL ?=
PORT ?= 8080
PROMPT ?= 请把空调调到22度，然后打开座椅加热。
DEFAULT_MODEL := models/r1-distill-qwen-1.5b-q4_k_m.gguf

.PHONY: deps build test test-arm test-asan run fuzz bench clean

deps:
	@bash scripts/install-deps.sh

build: deps
	cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=Release -DONBOARD_WERROR=$(if $(CI),ON,OFF) > /dev/null
	cmake --build $(BUILD) -j $(JOBS)

test: build
	cd $(BUILD) && ctest --output-on-failure -j $(JOBS)
	$(MAKE) test-arm

# The ARM NEON kernels: cross-built with g++-aarch64-linux-gnu (kernels, tensor code and their
# unit tests only) and run under qemu-user on a CPU without and one with the dot-product
# extension. Numerics only: nothing here measures ARM speed.
test-arm: deps
	cmake -S . -B build-arm -DCMAKE_TOOLCHAIN_FILE=cmake/aarch64-linux-gnu.cmake -DONBOARD_KERNELS_ONLY=ON -DCMAKE_BUILD_TYPE=Release -DONBOARD_WERROR=ON > /dev/null
	cmake --build build-arm -j $(JOBS)
	cd build-arm && ctest --output-on-failure -j $(JOBS)

# Unit tests under AddressSanitizer + UndefinedBehaviorSanitizer (CI runs this too).
test-asan: deps
	cmake -S . -B build-asan -DCMAKE_BUILD_TYPE=RelWithDebInfo -DONBOARD_SANITIZE=ON -DONBOARD_WERROR=ON -DONBOARD_BENCH=OFF > /dev/null
	cmake --build build-asan -j $(JOBS)
	cd build-asan && ONBOARD_SANITIZED=1 ctest --output-on-failure -j $(JOBS) -LE slow

fuzz: deps
	CC=clang CXX=clang++ cmake -S . -B build-fuzz -DCMAKE_BUILD_TYPE=RelWithDebInfo -DONBOARD_FUZZ=ON -DONBOARD_TESTS=OFF -DONBOARD_BENCH=OFF > /dev/null
	cmake --build build-fuzz -j $(JOBS)
	bash fuzz/run-all.sh build-fuzz $(or $(FUZZ_SECONDS),30)

# Builds, makes a default model when none is given, and serves the OpenAI-compatible API and
# the cockpit console (simulated vehicle) on it (127.0.0.1:$(PORT); the URLs are printed; Ctrl-C stops it).
run: build
	@if [ -z "$(MODEL)" ] && [ ! -f $(DEFAULT_MODEL) ]; then \
	  mkdir -p models && \
	  $(BUILD)/onboard synth --model r1-distill-qwen-1.5b -o $(DEFAULT_MODEL) --type Q4_K_M; fi
	@echo "onboard: try  curl http://127.0.0.1:$(PORT)/v1/chat/completions -d '{\"messages\":[{\"role\":\"user\",\"content\":\"$(PROMPT)\"}],\"max_tokens\":64}'"
	@echo "onboard: cockpit console (simulated vehicle)  http://127.0.0.1:$(PORT)/console"
	$(BUILD)/onboard serve -m $(or $(MODEL),$(DEFAULT_MODEL)) --port $(PORT)

bench: build
	$(BUILD)/onboard bench -m $(or $(MODEL),$(DEFAULT_MODEL))

clean:
	rm -rf build build-asan build-fuzz build-arm
