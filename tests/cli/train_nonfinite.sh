# A diverging run (absurd learning rate) stops with exit 1 and names the epoch, and the
# history written so far stays valid JSON.
source "$(dirname "$0")/lib/common.sh"
expect_exit 1 "$GROKKING" train --config "$GROK_SOURCE_DIR/configs/quick_test.yaml" \
  --learning_rate 1e30 --warmup_steps 0 --save_dir "$WORK/run"
expect_in "$WORK/err" "non-finite training loss at epoch"
if [ -f "$WORK/run/training_history.json" ]; then
  py "json.load(open('$WORK/run/training_history.json'))"
fi
echo PASS
