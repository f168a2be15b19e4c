# The two commands of the README, plus a few helpers. Each target installs what is missing.
.PHONY: example test unit build release bench check fuzz sanitize reliability install uninstall spark-test bench-spark serve-check bench-serve

# Decide on the example shop's comment stream (examples/shop) with every bundled rule pack.
example: release
	.build/release/vigie run --rules Rules --input examples/shop/comments.jsonl --stats

# Run the whole test suite: the unit and rule-pack tests, schemathesis against `vigie serve`, the
# Spark integration, then the Swift tests that can show a memory error under AddressSanitizer and
# those that run on several threads under ThreadSanitizer, then each fuzz target for FUZZ_SECONDS.
# This is what CI runs.
test: unit serve-check spark-test sanitize fuzz

# The quick part: Swift tests, every rule pack's own tests and the example shop's, formatting and
# lint of the bundled rules and of the example.
unit:
	./scripts/bootstrap.sh
	swift build --build-tests
	swift test --skip-build
	.build/debug/vigie test Rules --coverage-min 100
	.build/debug/vigie test examples/shop --coverage-min 100
	.build/debug/vigie fmt --check Rules Grammar/examples examples/shop
	.build/debug/vigie lint Rules
	.build/debug/vigie lint examples/shop

build:
	./scripts/bootstrap.sh
	swift build

release:
	./scripts/bootstrap.sh
	swift build -c release --product vigie

# Install the release binary as $(PREFIX)/bin/vigie (and, with COMPLETIONS=1, the bash, zsh and fish
# completions under $(PREFIX)/share), for CI images and servers. `make install PREFIX=$$HOME/.local`
# needs no root; DESTDIR stages the files for a package. VIGIE_BIN installs an already built binary.
PREFIX ?= /usr/local
DESTDIR ?=
COMPLETIONS ?= 0
VIGIE_BIN ?= .build/release/vigie
install: $(if $(filter .build/release/vigie,$(VIGIE_BIN)),release)
	install -d "$(DESTDIR)$(PREFIX)/bin"
	install -m 755 "$(VIGIE_BIN)" "$(DESTDIR)$(PREFIX)/bin/vigie"
	if [ "$(COMPLETIONS)" = 1 ]; then \
		install -d "$(DESTDIR)$(PREFIX)/share/bash-completion/completions" "$(DESTDIR)$(PREFIX)/share/zsh/site-functions" \
			"$(DESTDIR)$(PREFIX)/share/fish/vendor_completions.d" && \
		"$(VIGIE_BIN)" --generate-completion-script bash > "$(DESTDIR)$(PREFIX)/share/bash-completion/completions/vigie" && \
		"$(VIGIE_BIN)" --generate-completion-script zsh > "$(DESTDIR)$(PREFIX)/share/zsh/site-functions/_vigie" && \
		"$(VIGIE_BIN)" --generate-completion-script fish > "$(DESTDIR)$(PREFIX)/share/fish/vendor_completions.d/vigie.fish"; \
	fi

# Remove what `make install` put under $(PREFIX).
uninstall:
	rm -f "$(DESTDIR)$(PREFIX)/bin/vigie" "$(DESTDIR)$(PREFIX)/share/bash-completion/completions/vigie" \
		"$(DESTDIR)$(PREFIX)/share/zsh/site-functions/_vigie" "$(DESTDIR)$(PREFIX)/share/fish/vendor_completions.d/vigie.fish"

check: build
	.build/debug/vigie check Rules
	.build/debug/vigie check examples/shop

# Schemathesis (PyPI; installed with pip when missing) against `vigie serve` and
# Grammar/openapi.yaml: starts the server on a free loopback port, runs, stops it.
serve-check: build
	./scripts/serve-check.sh

# Load on `vigie serve` from wrk (Debian's package; installed when missing) on loopback:
# single-comment requests per second with keep-alive, p50/p99 latency, NDJSON comments per
# second, next to `vigie run` on the same comments. A benchmark, not a test.
bench-serve: release
	./scripts/bench-serve.sh

# Run each libFuzzer target of Fuzz/ for FUZZ_SECONDS (builds VigieKit with -sanitize=fuzzer,address),
# as many targets at a time as there are cores (each libFuzzer process uses one; FUZZ_JOBS overrides).
# A fixed seed makes a CI run repeatable; `make fuzz FUZZ_SEED=0` lets libFuzzer pick one.
FUZZ_SECONDS ?= 20
FUZZ_SEED ?= 1
FUZZ_JOBS ?= $(shell nproc 2>/dev/null || sysctl -n hw.ncpu 2>/dev/null || echo 1)
fuzz:
	./scripts/fuzz.sh --time $(FUZZ_SECONDS) --seed $(FUZZ_SEED) --jobs $(FUZZ_JOBS)

# Swift tests under AddressSanitizer, then ThreadSanitizer, each in its own build folder. `unit`
# runs every test without a sanitizer; each sanitizer runs only the tests in which it can find
# something, named by file or folder of Tests/VigieKitTests (scripts/test-filter.sh turns them into
# a `--filter`: every suite and @Test function declared there, new ones included). The CLI tests
# run the instrumented `vigie` of the same build folder.
#
# Under ASan, the code that handles raw bytes and unsafe buffers:
#   Text/                         the normalizer (byte-wise letter runs, folding tables), text
#                                 context, word variants, Hunspell's C library, language detection
#   Regex/                        PCRE2 (C) with its scratch and limits; stopping a slow regex
#   Engine/                       Aho-Corasick tables, the JSON reader, the evaluator, the compiler,
#                                 state, field maps, the stream runner, arrival times, regressions
#   Core/JSONWriterTests.swift    the byte-level JSON writer
#   Language/ParserTests.swift    the lexer and parser on bytes (CRLF, byte order marks, columns)
#   Import/ImportHostileTests.swift  libyaml (C) on hostile YAML: depth, alias bombs, many keys
#   CLI/ReliabilityTests.swift    random streams of bad lines cut anywhere, through the runner
#   CLI/ReloadTests.swift         rules swapped under a running stream
#   CLI/HostileFilesTests.swift   hostile rule, list and input files through the instrumented binary
#   CLI/ProcessFaultTests.swift   signals, closed pipes and full devices while the binary runs
# Not under ASan, in `unit` only: what renders, formats or compares text and exit codes over code
# the tests above already drive (Lint/, Format/, Report/, RuleTests/, Import/ImportTests,
# Language/CheckerTests, Language/FirstHourDiagnosticsTests, Language/GrammarDriftTests,
# Core/ActionTableTests, CLI/CLITests, CLI/FirstHour*, CLI/EditorSupportTests), and Serve/ and
# Delivery/ (below).
ASAN_TESTS ?= Text Regex Engine Core/JSONWriterTests.swift Language/ParserTests.swift \
	Import/ImportHostileTests.swift CLI/ReliabilityTests.swift CLI/ReloadTests.swift \
	CLI/HostileFilesTests.swift CLI/ProcessFaultTests.swift
#
# Under TSan, what runs on several threads:
#   CLI/ReliabilityTests.swift    the stream runner with one and four workers, any batch size
#   CLI/ReloadTests.swift         new rules taking over between batches, with one and four workers
#   CLI/ProcessFaultTests.swift   SIGINT, SIGTERM, SIGHUP reloads and --watch while --jobs 4 works
#   Engine/StateTests.swift       windows, cooldowns and saved state with several workers
#   Engine/ArrivalTimeTests.swift the reader thread stamping arrival times, --jobs 1 and 3
#   Regex/                        RegexStop: a signal cutting regexes off on other workers
# The serve and delivery suites (timed HTTP exchanges with a live server) run in `unit` only: under
# a sanitizer on a 2-core CI machine their timeouts fire before the server answers.
TSAN_TESTS ?= CLI/ReliabilityTests.swift CLI/ReloadTests.swift CLI/ProcessFaultTests.swift \
	Engine/StateTests.swift Engine/ArrivalTimeTests.swift Regex
sanitize:
	./scripts/bootstrap.sh
	ASAN_OPTIONS=detect_leaks=0 SWIFT_BACKTRACE=enable=no swift build --build-tests --sanitize=address --scratch-path .build-asan
	filter=$$(./scripts/test-filter.sh $(ASAN_TESTS)) && ASAN_OPTIONS=detect_leaks=0 SWIFT_BACKTRACE=enable=no \
		swift test --skip-build --sanitize=address --scratch-path .build-asan --filter "$$filter"
	SWIFT_BACKTRACE=enable=no swift build --build-tests --sanitize=thread --scratch-path .build-tsan
	filter=$$(./scripts/test-filter.sh $(TSAN_TESTS)) && SWIFT_BACKTRACE=enable=no \
		swift test --skip-build --sanitize=thread --scratch-path .build-tsan --filter "$$filter"

# A million lines, a tenth of them bad, through the release binary: lost, reordered, crashes, memory.
reliability:
	./scripts/reliability.sh

# The Spark integration (integrations/spark): Spark local[2] over 200,000 generated comments gives
# the decisions of one `vigie run`, with per-author and global state. Installs Java 17 and PySpark
# when missing. SPARK_VIGIE picks the binary (the debug build by default; a release one is faster).
SPARK_VIGIE ?= .build/debug/vigie
spark-test:
	./scripts/bootstrap.sh
	./scripts/bootstrap-spark.sh
	$(if $(filter .build/debug/vigie,$(SPARK_VIGIE)),swift build --product vigie)
	cd integrations/spark && VIGIE_BIN="$(abspath $(SPARK_VIGIE))" python3 -m pytest -q -p no:cacheprovider tests

# One million comments through `vigie run` and through Spark local[1] and local[2] (release binary).
bench-spark: release
	./scripts/bootstrap-spark.sh
	cd integrations/spark && python3 bench.py --vigie "$(abspath .build/release/vigie)"
