# Trials that really cross a network: two network namespaces of this machine joined by a veth
# pair with loopback-range addresses (127.0.233.1 and .2, nothing routed elsewhere); mpirun in
# the first starts rank 1 in the second through a launch agent (what ssh does between hosts),
# and OpenMPI may use only that link (TCP, no shared memory). The study completes with trials
# on rank 1 and the same models as a one-process run. Needs root and iproute2; without them it
# says why it skipped.
source "$(dirname "$0")/lib/common.sh"
require_mpirun
why=""
[ "$(id -u)" -eq 0 ] || why="not root (network namespaces need CAP_NET_ADMIN)"
[ -n "$why" ] || command -v ip > /dev/null || why="ip (iproute2) not installed"
A=grk$$a B=grk$$b
cleanup() { ip netns del "$A" 2> /dev/null || true; ip netns del "$B" 2> /dev/null || true; }
trap 'cleanup; rm -rf "$WORK"' EXIT
if [ -z "$why" ]; then
  # lo keeps 127.0.0.1/32 only, so that 127.0.233.0/24 goes over the veth (route_localnet).
  setup="ip netns add $A && ip netns add $B &&
    ip link add ${A}v netns $A type veth peer name ${B}v netns $B"
  for ns in $A $B; do
    setup+=" && ip -n $ns link set lo up && ip -n $ns addr del 127.0.0.1/8 dev lo &&
      ip -n $ns addr add 127.0.0.1/32 dev lo &&
      ip netns exec $ns sysctl -qw net.ipv4.conf.all.route_localnet=1 &&
      ip netns exec $ns sysctl -qw net.ipv4.conf.${ns}v.route_localnet=1 && ip -n $ns link set ${ns}v up"
  done
  setup+=" && ip -n $A addr add 127.0.233.1/24 dev ${A}v && ip -n $B addr add 127.0.233.2/24 dev ${B}v"
  eval "$setup" 2> "$WORK/netns.err" || why="cannot create network namespaces: $(head -1 "$WORK/netns.err")"
fi
if [ -n "$why" ]; then
  echo "SKIP: $why"
  exit 77
fi

cat > "$WORK/agent.sh" << AGENT
#!/bin/sh
# mpirun's launch agent (plm_rsh_agent), in place of ssh: "agent HOST COMMAND..." runs COMMAND
# in the namespace that has HOST's address.
host=\$1; shift
echo "\$host \$*" >> "$WORK/agent.log"
[ "\$host" = 127.0.233.2 ] || { echo "unknown host \$host" >&2; exit 1; }
exec ip netns exec $B /bin/sh -c "\$*"
AGENT
chmod +x "$WORK/agent.sh"
printf '127.0.233.1 slots=1\n127.0.233.2 slots=1\n' > "$WORK/hosts"

ARGS=(--config "$GROK_SOURCE_DIR/configs/smoke.yaml" --repeats 2)
expect_exit 0 timeout -s KILL 300 ip netns exec "$A" mpirun --hostfile "$WORK/hosts" -np 2 \
  --bind-to none --mca plm_rsh_agent "$WORK/agent.sh" --mca btl tcp,self \
  --mca oob_tcp_if_include 127.0.233.0/24 --mca btl_tcp_if_include 127.0.233.0/24 \
  "$GROKKING" experiment "${ARGS[@]}" --out "$WORK/net"
expect_in "$WORK/out" "(2 ranks × 1)"
expect_in "$WORK/out" "on rank 1 ("
expect_in "$WORK/agent.log" "127.0.233.2 "  # rank 1's daemon was started in the other namespace
expect_exit 0 "$GROKKING" experiment "${ARGS[@]}" --out "$WORK/one" --jobs 2
same_models "$WORK/one" "$WORK/net"
echo "PASS: rank 1 ran in network namespace $B, reached over 127.0.233.0/24"
