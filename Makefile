# The two commands of the README, plus a few helpers. Each target installs what is missing.
.PHONY: example test build release bench check fuzz sanitize reliability

# Decide on the bundled example stream with every bundled rule pack.
example: release
	.build/release/vigie run --rules Rules --input Rules/example/comments.jsonl --stats

# Run the whole test suite.
test:
	./scripts/bootstrap.sh
	swift build --build-tests
	swift test --skip-build
	.build/debug/vigie test Rules --coverage-min 100
	.build/debug/vigie fmt --check Rules Grammar/examples
	.build/debug/vigie lint Rules

build:
	./scripts/bootstrap.sh
	swift build

release:
	./scripts/bootstrap.sh
	swift build -c release --product vigie

check: build
	.build/debug/vigie check Rules

# Run each libFuzzer target of Fuzz/ for FUZZ_SECONDS (builds VigieKit with -sanitize=fuzzer,address).
FUZZ_SECONDS ?= 60
fuzz:
	./scripts/fuzz.sh --time $(FUZZ_SECONDS)

# The test suite under AddressSanitizer, then ThreadSanitizer, each in its own build folder.
sanitize:
	./scripts/bootstrap.sh
	ASAN_OPTIONS=detect_leaks=0 SWIFT_BACKTRACE=enable=no swift build --build-tests --sanitize=address --scratch-path .build-asan
	ASAN_OPTIONS=detect_leaks=0 SWIFT_BACKTRACE=enable=no swift test --skip-build --sanitize=address --scratch-path .build-asan
	SWIFT_BACKTRACE=enable=no swift build --build-tests --sanitize=thread --scratch-path .build-tsan
	SWIFT_BACKTRACE=enable=no swift test --skip-build --sanitize=thread --scratch-path .build-tsan

# A million lines, a tenth of them bad, through the release binary: lost, reordered, crashes, memory.
reliability:
	./scripts/reliability.sh
