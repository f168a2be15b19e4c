# The two commands of the README, plus a few helpers. Each target installs what is missing.
.PHONY: example test build release bench check

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
