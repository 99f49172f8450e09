#!/usr/bin/env bash
# Mutation check: each mutant below breaks the code the way a particular test is there to
# catch. The script applies each mutant in turn to a copy of the working tree, runs that test
# there, and fails unless the test fails. It first runs every test on the unmutated copy,
# which must pass. Your clone is never edited; only the copy is.
#
#   scripts/mutation-check.sh             the market core's and the simulator's mutants
#   scripts/mutation-check.sh --pallets   those and the double auction's
#   scripts/mutation-check.sh --list      list the mutants and what catches each
#
# Not part of scripts/test.sh: every mutant is a release rebuild of the crate it changes.
# The copy lives in $MUTANTS_DIR (default ~/.cache/energy-consortium/mutants) and builds in
# its own target directory, $MUTANTS_TARGET_DIR (default
# ~/.cache/energy-consortium/target-mutants), so that no mutant's binary (energy-sim, say)
# lands in the shared build and a running build of your clone is never waited on. Its
# dependencies are built there once. Cost, estimated, not yet measured on this machine:
# for the default set, proptest, clap, serde and rand once (a few minutes on two cores),
# then each run rebuilds energy-market and energy-sim for the baseline and each of the four
# mutants (seconds to a minute each) and runs tests of about a second each; --pallets adds
# the FRAME stack once (a large part of the README's 33-minute fresh build) and a rebuild
# of pallet-double-auction's tests per mutant (minutes each). The script prints its time.
# Logs go to $MUTANTS_DIR/logs.
set -euo pipefail
source "$(dirname "$0")/common.sh"

MUTANTS_DIR="${MUTANTS_DIR:-$HOME/.cache/energy-consortium/mutants}"
MUTANTS_TARGET_DIR="${MUTANTS_TARGET_DIR:-$HOME/.cache/energy-consortium/target-mutants}"
SRC="$MUTANTS_DIR/src"
LOGS="$MUTANTS_DIR/logs"

NAMES=() FILES=() FROMS=() TOS=() TESTS=() WHYS=() GROUPS_=()
# mutant GROUP NAME FILE FROM TO "CARGO TEST ARGS" WHY
# FROM must occur exactly once in FILE; it is replaced, as a literal string, by TO.
mutant() {
	GROUPS_+=("$1") NAMES+=("$2") FILES+=("$3") FROMS+=("$4") TOS+=("$5") TESTS+=("$6") WHYS+=("$7")
}

# The mutation check of docs/market.md ("Tests"): excluding equal-price units from the
# matching makes the uniform auction's volume fall short of the unit-expansion reference.
mutant market equal-prices-do-not-match \
	primitives/market/src/double_auction.rs \
	'if bid.order.limit_price < offer.order.limit_price {' \
	'if bid.order.limit_price <= offer.order.limit_price {' \
	'-p energy-market --test properties -- uniform_auction_trades_the_efficient_volume_and_balances' \
	'the uniform auction trades the efficient volume (unit-expansion reference)'
# Losses truncated instead of rounded: a property that recomputed the loss with the code's
# own call could not see this; the physics computed independently does.
mutant market losses-truncated \
	primitives/market/src/losses.rs \
	'numerator.checked_add(denominator / 2)' \
	'numerator.checked_add(0)' \
	'-p energy-market --test properties -- loss' \
	'losses equal the physical I²R loss rounded to the Wh'
# Offers of equal price in input order instead of by id: clearing then depends on the order
# of the book, which comparing a clearing with itself could not see.
mutant market order-of-the-book-matters \
	primitives/market/src/book.rs \
	'a.order.limit_price.cmp(&b.order.limit_price).then(a.order.id.cmp(&b.order.id))' \
	'a.order.limit_price.cmp(&b.order.limit_price)' \
	'-p energy-market --test properties -- clearing_ignores_the_order_of_the_book' \
	'a shuffled or reversed book clears the same'
# A sweep parameter changed without regenerating results/ and docs/results.md.
mutant market sweep-parameter-changed \
	tools/simulator/src/sweep.rs \
	'pub const INTRA_ZONE_M: u32 = 1_000;' \
	'pub const INTRA_ZONE_M: u32 = 1_100;' \
	'-p energy-sim --test sweep' \
	'the sweep reproduces results/*.csv and docs/results.md'
# Settlement without its storage layer: a clearing that fails after its first trade would
# keep that trade. The test that fails before settlement begins (no grid) cannot see it.
mutant pallets settlement-not-rolled-back \
	pallets/double-auction/src/clearing.rs \
	'.and_then(|trades| with_storage_layer(|| Self::settle(period, orders, &trades)));' \
	'.and_then(|trades| Self::settle(period, orders, &trades));' \
	'-p pallet-double-auction --lib -- a_clearing_that_fails_halfway_through_settlement_changes_nothing' \
	'a clearing that fails halfway through settlement changes nothing'
# on_initialize charging two reads for three: with the mock's database weight at zero the
# weight test compared 0 with 0 and passed.
mutant pallets hook-reads-undercharged \
	pallets/double-auction/src/clearing.rs \
	'let mut weight = T::DbWeight::get().reads(3);' \
	'let mut weight = T::DbWeight::get().reads(2);' \
	'-p pallet-double-auction --lib -- the_clearing_is_charged_by_the_size_of_its_book' \
	'the idle block is charged its three reads'
mutant pallets trade-hook-not-charged \
	pallets/double-auction/src/clearing.rs \
	'.saturating_add(T::OnTrade::on_trade_weight().saturating_mul(u64::from(trades)))' \
	'.saturating_add(T::OnTrade::on_trade_weight().saturating_mul(0))' \
	'-p pallet-double-auction --lib -- the_clearing_is_charged_by_the_size_of_its_book' \
	'the clearing is charged the ledger hook per trade'

mode="${1:-}"
case "$mode" in
	"") wanted=(market) ;;
	--pallets) wanted=(market pallets) ;;
	--list)
		for i in "${!NAMES[@]}"; do
			printf '%-8s %-30s %s\n         caught by: cargo test --release %s\n' \
				"${GROUPS_[$i]}" "${NAMES[$i]}" "${FILES[$i]}" "${TESTS[$i]}"
		done
		exit 0
		;;
	*) echo "usage: $0 [--pallets|--list]" >&2; exit 2 ;;
esac

selected=()
for i in "${!NAMES[@]}"; do
	for group in "${wanted[@]}"; do
		if [ "${GROUPS_[$i]}" = "$group" ]; then selected+=("$i"); fi
	done
done

# How many times FROM occurs in FILE, as a literal string.
occurrences() {
	FROM="$2" perl -0777 -ne '$n = () = /\Q$ENV{FROM}\E/g; print $n' "$1"
}

# The working tree as it is (tracked and untracked files, not ignored ones), copied afresh.
# Extracted with new modification times (-m), so that cargo rebuilds every workspace crate
# from it rather than trust artifacts of a mutant left by an earlier run.
copy_tree() {
	rm -rf "$SRC"
	mkdir -p "$SRC" "$LOGS"
	(cd "$ROOT" && git ls-files -z --cached --others --exclude-standard) \
		| (cd "$ROOT" && while IFS= read -r -d '' f; do [ -e "$f" ] && printf '%s\0' "$f"; done) \
		| (cd "$ROOT" && tar --null -T - -cf -) \
		| tar -xmf - -C "$SRC"
}

run_cargo() { # LOG ARGS...
	local log="$1"
	shift
	(cd "$SRC" && CARGO_TARGET_DIR="$MUTANTS_TARGET_DIR" cargo test --release "$@") >"$log" 2>&1
}

# ARGS up to `--` (what to build), for `--no-run`.
build_args() {
	local arg
	for arg in "$@"; do
		[ "$arg" = -- ] && break
		printf '%s\n' "$arg"
	done
}

restore=""
cleanup() { if [ -n "$restore" ] && [ -f "$restore.orig" ]; then mv -f "$restore.orig" "$restore"; touch "$restore"; fi; }
trap cleanup EXIT

echo "== copying the working tree to $SRC"
copy_tree
start=$(date +%s)

echo "== baseline: every test passes unmutated"
declare -A passed=()
for i in "${selected[@]}"; do
	key="${TESTS[$i]}"
	if [ -n "${passed["$key"]:-}" ]; then continue; fi
	read -ra args <<<"$key"
	log="$LOGS/baseline-${NAMES[$i]}.log"
	if ! run_cargo "$log" "${args[@]}"; then
		echo "FAIL: cargo test --release ${TESTS[$i]} fails without any mutant; see $log" >&2
		exit 1
	fi
	passed["$key"]=1
	echo "   ok  ${TESTS[$i]}"
done

failures=0
for i in "${selected[@]}"; do
	name="${NAMES[$i]}" file="$SRC/${FILES[$i]}"
	read -ra args <<<"${TESTS[$i]}"
	mapfile -t build < <(build_args "${args[@]}")
	log="$LOGS/$name.log"
	echo "== mutant $name (${FILES[$i]})"
	count=$(occurrences "$file" "${FROMS[$i]}")
	if [ "$count" != 1 ]; then
		echo "FAIL: $name: the code to mutate occurs $count times in ${FILES[$i]}; update this script" >&2
		failures=$((failures + 1))
		continue
	fi
	cp "$file" "$file.orig"
	restore="$file"
	FROM="${FROMS[$i]}" TO="${TOS[$i]}" perl -0777 -pi -e 's/\Q$ENV{FROM}\E/$ENV{TO}/' "$file"
	if cmp -s "$file" "$file.orig"; then
		echo "FAIL: $name: the mutant was not applied" >&2
		failures=$((failures + 1))
	elif ! run_cargo "$log" "${build[@]}" --no-run; then
		echo "FAIL: $name: the mutant does not compile, so it proves nothing; see $log" >&2
		failures=$((failures + 1))
	elif run_cargo "$log" "${args[@]}"; then
		echo "FAIL: $name survived: cargo test --release ${TESTS[$i]} passes with it; see $log" >&2
		failures=$((failures + 1))
	else
		echo "   killed by: ${WHYS[$i]}"
	fi
	cleanup
	restore=""
done

echo "mutation check: ${#selected[@]} mutants, $failures not killed, $(($(date +%s) - start)) s"
[ "$failures" -eq 0 ]
