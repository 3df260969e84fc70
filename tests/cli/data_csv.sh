# grokking data writes the split as CSV: header, train rows first in split order (golden rows
# of REFERENCE.md §1), then validation rows; every pair exactly once.
source "$(dirname "$0")/lib/common.sh"
expect_exit 0 "$GROKKING" data --p 97 --operation / --seed 42
head -4 "$WORK/out" > "$WORK/head"
printf 'a,b,c,split\n89,95,4,train\n1,36,62,train\n36,54,33,train\n' | cmp - "$WORK/head" \
  || fail "unexpected head: $(cat "$WORK/head")"
grep -m2 ',val$' "$WORK/out" | cmp - <(printf '91,81,61,val\n88,65,70,val\n') \
  || fail "unexpected first val rows"
[ "$(grep -c ',train$' "$WORK/out")" -eq 4656 ] || fail "train rows"
[ "$(grep -c ',val$' "$WORK/out")" -eq 4656 ] || fail "val rows"
[ "$(tail -n +2 "$WORK/out" | cut -d, -f1,2 | sort -u | wc -l)" -eq 9312 ] || fail "pairs"
expect_exit 0 "$GROKKING" data --p 7 --operation + --out "$WORK/p7.csv"
[ "$(wc -l < "$WORK/p7.csv")" -eq 50 ] || fail "p=7 + has 49 rows"
expect_exit 2 "$GROKKING" data --p 1
expect_in "$WORK/err" "p"
echo PASS
