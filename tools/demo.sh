#!/bin/sh
# make demo: start the bundled emulator on 127.0.0.1, create the example job
# through the Lua client and print its ARN, then follow the whole workflow with
# the sagemaker-automl CLI: wait with live progress, rank the candidates, show
# the best one; stop the emulator.
set -eu
LUA=${1:-lua5.4}
cd "$(dirname "$0")/.."
log=$(mktemp)
portfile=$(mktemp)
rm -f "$portfile"
/usr/bin/python3 spec/emulator/sagemaker_emulator.py --port 0 --port-file "$portfile" \
  --job-duration 3 >"$log" 2>&1 &
emu=$!
trap 'kill $emu 2>/dev/null || true; wait $emu 2>/dev/null || true; rm -f "$log" "$portfile"' EXIT
i=0
while [ ! -s "$portfile" ]; do
  i=$((i + 1))
  if [ $i -gt 100 ] || ! kill -0 $emu 2>/dev/null; then
    echo "emulator did not start:" >&2; cat "$log" >&2; exit 1
  fi
  sleep 0.1
done
port=$(cat "$portfile")
echo "emulator listening on http://127.0.0.1:$port"
echo "creating the job in examples/job.json ..."
AWS_ACCESS_KEY_ID=AKIDEXAMPLE AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY \
AWS_REGION=us-east-1 LUA_PATH="lua/?.lua;lua/?/init.lua;;" LUA_CPATH="build/lua/?.so;;" \
  "$LUA" examples/create_auto_ml_job.lua examples/job.json --endpoint "http://127.0.0.1:$port"

# The rest of the workflow through the command-line tool, same emulator.
job=$(sed -n 's/^ *"AutoMLJobName": *"\([^"]*\)".*/\1/p' examples/job.json | head -n 1)
automl() {
  AWS_ACCESS_KEY_ID=AKIDEXAMPLE AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY \
  AWS_REGION=us-east-1 LUA_PATH="lua/?.lua;lua/?/init.lua;;" LUA_CPATH="build/lua/?.so;;" \
    "$LUA" bin/sagemaker-automl "$@" --endpoint-url "http://127.0.0.1:$port"
}
echo
echo "\$ sagemaker-automl wait $job --interval 0.25"
automl wait "$job" --interval 0.25
echo
echo "\$ sagemaker-automl candidates $job --max-items 5"
automl candidates "$job" --max-items 5
echo
echo "\$ sagemaker-automl describe $job"
automl describe "$job"
