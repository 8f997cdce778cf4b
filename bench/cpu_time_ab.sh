#!/bin/bash
# Onboard vs llama.cpp: CPU seconds (user+sys) per token, from the difference of two runs, so load time cancels.
# Usage: bench/cpu_time_ab.sh MODEL [THREADS]  (ONBOARD=path/to/onboard, LLAMA_BENCH=path/to/llama-bench)
M=$1; T=${2:-1}
OB=${ONBOARD:-$(dirname "$0")/../build/onboard}
LB=${LLAMA_BENCH:-/tmp/llamacpp/build/bin/llama-bench}
cpu() { /usr/bin/time -f "%U %S" "$@" 2>&1 >/dev/null | tail -1 | awk '{print $1+$2}'; }
export LD_LIBRARY_PATH=$(dirname "$LB")
o_n8=$(cpu $OB bench -m $M -t $T -p 0 -n 8 -r 1); l_n8=$(cpu $LB -m $M -t $T -p 0 -n 8 -r 1 --no-warmup)
o_n40=$(cpu $OB bench -m $M -t $T -p 0 -n 40 -r 1); l_n40=$(cpu $LB -m $M -t $T -p 0 -n 40 -r 1 --no-warmup)
o_p0=$(cpu $OB bench -m $M -t $T -p 0 -n 1 -r 1); l_p0=$(cpu $LB -m $M -t $T -p 0 -n 1 -r 1 --no-warmup)
o_p128=$(cpu $OB bench -m $M -t $T -p 128 -n 1 -r 1); l_p128=$(cpu $LB -m $M -t $T -p 128 -n 1 -r 1 --no-warmup)
echo "$M t=$T decode CPU-ms/token: onboard $(echo "($o_n40-$o_n8)*1000/32" | bc -l | cut -c1-6) llama.cpp $(echo "($l_n40-$l_n8)*1000/32" | bc -l | cut -c1-6)"
echo "$M t=$T prefill CPU-ms/token (pp128): onboard $(echo "($o_p128-$o_p0)*1000/128" | bc -l | cut -c1-6) llama.cpp $(echo "($l_p128-$l_p0)*1000/128" | bc -l | cut -c1-6)"
