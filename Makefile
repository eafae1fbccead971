# Switchboard — build, run, test, benchmark, fuzz.
#
#   make deps    install the Debian packages the build and tests need (apt-get as root;
#                otherwise prints the exact command to run)
#   make run     build and start `switchboard serve` on 0.0.0.0:5060 (UDP and TCP)
#   make test    the whole test suite (Swift, then the browser test), then a bounded fuzzing run
#   make bench   release build, then `switchboard bench parse` and `bench transactions`
#   make bench-kamailio  `bench transactions` against Kamailio and Switchboard, interleaved
#   make bench-calls  whole 2-second prompt calls from SIPp against `switchboard serve` at rising
#                rates, then an overload run (BENCH_CALLS_ARGS for options, docs/benchmarks.md)
#   make prompts the default English prompt set (espeak-ng + sox) from prompts/prompts.txt
#   make fuzz    libFuzzer on the SIP and SDP parsers for FUZZ_SECONDS (default 60)
#   make bench-peers  the parse benchmark interleaved with Sofia-SIP's and oSIP2's (as root)
#   make test-browser the web directory in headless Chromium (Selenium); installs
#                chromium, chromium-driver and selenium when missing (part of `make test`)

SWIFT        ?= swift
FUZZ_SECONDS ?= 60
# What Swift's toolchain needs to build and link on Debian 12, plus what later layers use
# (pkg-config finds system libraries).
DEB_PACKAGES := binutils git libc6-dev libcurl4 libedit2 libgcc-12-dev libncurses6 \
                libstdc++-12-dev libxml2 libz3-dev pkg-config tzdata uuid-dev zlib1g-dev \
                sip-tester openssl graphviz espeak-ng sox libsndfile1-dev libsoxr-dev libspandsp-dev \
                libsqlite3-dev liburing-dev

.PHONY: deps build run test bench bench-calls bench-peers bench-kamailio fuzz prompts clean test-browser

deps:
	@missing=""; for p in $(DEB_PACKAGES); do \
	  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "install ok installed" || missing="$$missing $$p"; \
	done; \
	if [ -z "$$missing" ]; then echo "deps: all Debian packages present"; \
	elif [ "$$(id -u)" = 0 ]; then \
	  echo "deps: installing$$missing"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing; \
	else \
	  echo "deps: missing Debian packages:$$missing"; \
	  echo "deps: run as root: apt-get install -y$$missing"; exit 1; \
	fi
	@command -v $(SWIFT) >/dev/null || { echo "deps: Swift 6.1 or later is needed on PATH (swift.org)"; exit 1; }

build: deps
	$(SWIFT) build

run: build
	$(SWIFT) run switchboard serve

test: deps
	$(SWIFT) build --build-tests
	$(SWIFT) test
	$(MAKE) test-browser
	$(MAKE) fuzz FUZZ_SECONDS=$(FUZZ_SECONDS)

bench: deps
	$(SWIFT) build -c release --product switchboard
	.build/release/switchboard bench parse
	.build/release/switchboard bench transactions

# Kamailio answering OPTIONS statelessly against Switchboard statefully, same client, same run.
bench-kamailio: deps
	$(SWIFT) build -c release --product switchboard
	SWITCHBOARD_BIN=.build/release/switchboard Benchmarks/kamailio/run.sh

# Whole calls: SIPp (sip-tester) against a fresh `switchboard serve` per rate, on loopback.
bench-calls: deps
	$(SWIFT) build -c release --product switchboard
	.build/release/switchboard bench calls $(BENCH_CALLS_ARGS)

bench-peers: deps
	$(SWIFT) build -c release --product switchboard
	SWITCHBOARD_BIN=.build/release/switchboard Benchmarks/peers/run.sh

# The harness is its own package (Fuzz/) so that the main build never links libFuzzer.
# Corpus: the RFC 4475/5118 fixtures, copied so libFuzzer's additions stay out of the tree.
fuzz: deps
	cd Fuzz && $(SWIFT) build -c release --product SwitchboardFuzz \
	  -Xswiftc -sanitize=fuzzer,address -Xswiftc -use-ld=lld
	rm -rf .build/fuzz-corpus && mkdir -p .build/fuzz-corpus
	cp Tests/Fixtures/rfc4475/*.sip Tests/Fixtures/rfc5118/*.sip .build/fuzz-corpus/
	mkdir -p .build/fuzz-artifacts
	Fuzz/.build/release/SwitchboardFuzz -max_total_time=$(FUZZ_SECONDS) -timeout=5 \
	  -artifact_prefix=.build/fuzz-artifacts/ \
	  -rss_limit_mb=2048 -max_len=8192 -print_final_stats=1 .build/fuzz-corpus

# A real browser against `switchboard web` (docs/web.md); `make test` runs it after the Swift
# tests (about 10 s there: the product is built already, the browser test itself takes ~8 s).
test-browser: deps
	@if ! command -v chromium >/dev/null || ! command -v chromedriver >/dev/null; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver; \
	  else echo "test-browser: run as root: apt-get install -y chromium chromium-driver"; exit 1; fi; \
	fi
	@python3 -c "import selenium" 2>/dev/null || python3 -m pip install -q selenium
	$(SWIFT) build --product switchboard
	SWITCHBOARD_BIN=$$($(SWIFT) build --show-bin-path)/switchboard python3 Tests/browser/directory_test.py

prompts: deps
	scripts/make-prompts.sh prompts

clean:
	rm -rf .build Fuzz/.build
