#!/usr/bin/env bash
# The container from scratch, checked end to end on this host:
#   1. container tools (docker.io, mmdebstrap; apt) and a running dockerd   (ensure-docker.sh)
#   2. a Node.js base image made from Debian packages                       (build-base-image.sh)
#   3. the service image, built with --network host                         (build-image.sh)
#   4. the container run with --network host on a free loopback port; /ready answers 200
#   5. a WAV from models/testdata transcribed with curl; Docker's HEALTHCHECK reports healthy
#   6. drain: a slow upload in flight, SIGTERM (docker stop) half-way through it; the response still arrives
#      with its text, the container exits with code 0 and its log says it drained
# Every request goes to 127.0.0.1 only. Prints each step's time and PASS or FAIL; exit code 0 only on PASS.
# Usage: smoke.sh   (env: BASE_IMAGE, CA_BUNDLE as build-image.sh; CONTEXT=worktree builds the checkout as it is
#                    instead of the committed tree; IMAGE_TAG (onnx-stt:smoke); KEEP_CONTAINER=1 keeps the container)
set -euo pipefail
cd "$(dirname "$0")/../.."
image="${IMAGE_TAG:-onnx-stt:smoke}"
wav="models/testdata/tts-rp-m6-weather.wav"
name="onnx-stt-smoke-$$"
work="$(mktemp -d)"
start_all=$(date +%s.%N)
step_start=$start_all
docker_cli=/usr/bin/docker
results=()

cleanup() {
  if [ "${KEEP_CONTAINER:-0}" != 1 ]; then "$docker_cli" rm -f "$name" >/dev/null 2>&1 || true; fi
  rm -rf "$work"
}
trap cleanup EXIT
elapsed() { awk -v a="$1" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }'; }
step_done() { results+=("$(printf '%-44s %7ss' "$1" "$(elapsed "$step_start")")"); echo "smoke: ok   $1 ($(elapsed "$step_start") s)" >&2; step_start=$(date +%s.%N); }
fail() {
  echo "smoke: FAIL $1" >&2
  if "$docker_cli" inspect "$name" >/dev/null 2>&1; then echo "--- container log (last 30 lines)" >&2; "$docker_cli" logs --tail 30 "$name" >&2 2>&1 || true; fi
  printf '%s\n' "${results[@]}"
  echo "FAIL: $1 (after $(elapsed "$start_all") s)"
  exit 1
}

docker_cli="$(bash scripts/docker/ensure-docker.sh)" || fail "container tools could not be installed or dockerd started"
for tool in curl ffmpeg; do # the smoke test's own clients
  command -v "$tool" >/dev/null 2>&1 || DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$tool" >&2 || fail "cannot install $tool"
done
step_done "tools: docker.io, mmdebstrap, dockerd"
if [ -z "${BASE_IMAGE:-}" ] || [ "${BASE_IMAGE}" = onnx-stt-base:trixie ]; then
  bash scripts/docker/build-base-image.sh onnx-stt-base:trixie || fail "base image from Debian packages"
  step_done "base image onnx-stt-base:trixie"
fi
CONTEXT="${CONTEXT:-git}" bash scripts/docker/build-image.sh "$image" > "$work/build.log" 2>&1 || { tail -30 "$work/build.log" >&2; fail "image build (log above)"; }
step_done "image $image ($("$docker_cli" image inspect -f '{{.Size}}' "$image" | awk '{ printf "%.0f MB", $1 / 1e6 }'))"

port="$(node -e "const s = require('net').createServer(); s.listen(0, '127.0.0.1', () => { console.log(s.address().port); s.close(); })")"
base_url="http://127.0.0.1:$port"
"$docker_cli" run -d --name "$name" --network host -e HOST=127.0.0.1 -e PORT="$port" -e LOG_LEVEL=info "$image" >/dev/null \
  || fail "docker run"
[ "$("$docker_cli" inspect -f '{{.Config.User}}' "$name")" != "" ] || fail "the image runs as root"
for _ in $(seq 1 240); do
  if [ "$(curl -s -o /dev/null -w '%{http_code}' "$base_url/ready")" = 200 ]; then break; fi
  [ "$("$docker_cli" inspect -f '{{.State.Running}}' "$name")" = true ] || fail "container exited before /ready"
  sleep 0.5
done
[ "$(curl -s -o /dev/null -w '%{http_code}' "$base_url/ready")" = 200 ] || fail "/ready did not answer 200 within 120 s"
step_done "container up, /ready 200 (port $port, user $("$docker_cli" inspect -f '{{.Config.User}}' "$name"))"

body="$(curl -sS --fail-with-body -F "file=@$wav" -F model=whisper-1 "$base_url/v1/audio/transcriptions")" || fail "transcription request: $body"
text="$(node -e "process.stdout.write(JSON.parse(process.argv[1]).text ?? '')" "$body")"
[ -n "$text" ] || fail "empty transcription: $body"
echo "smoke: text: $text" >&2
page="$(curl -sS --fail "$base_url/")" || fail "GET / (the live-captions page) failed"
case "$page" in *"<html"*) ;; *) fail "GET / is not the web page" ;; esac
step_done "transcribed $(basename "$wav"); web page at /"
for _ in $(seq 1 90); do
  health="$("$docker_cli" inspect -f '{{.State.Health.Status}}' "$name")"
  [ "$health" = healthy ] && break
  sleep 1
done
[ "$health" = healthy ] || fail "HEALTHCHECK status is '$health', not healthy"
memory="$("$docker_cli" stats --no-stream --format '{{.MemUsage}}' "$name" | cut -d/ -f1)"
step_done "HEALTHCHECK healthy (memory $memory)"

# Drain: ~340 kB of WAV (the clip 4 times) sent at 100 kB/s takes ~3.4 s; SIGTERM arrives after ~1.5 s.
ffmpeg -nostdin -loglevel error -i "$wav" -i "$wav" -i "$wav" -i "$wav" -filter_complex concat=n=4:v=0:a=1 -ac 1 -ar 16000 "$work/long.wav" \
  || fail "ffmpeg could not make the long WAV"
curl -sS -o "$work/drain.json" -w '%{http_code}' --limit-rate 100k -F "file=@$work/long.wav" -F model=whisper-1 \
  "$base_url/v1/audio/transcriptions" > "$work/drain.status" 2> "$work/drain.err" &
curl_pid=$!
sleep 1.5
kill -0 "$curl_pid" 2>/dev/null || fail "the slow upload finished before SIGTERM could be sent (status $(cat "$work/drain.status"))"
stop_start=$(date +%s.%N)
"$docker_cli" stop -t 35 "$name" >/dev/null &
stop_pid=$!
sleep 0.5
ready_during_drain="$(curl -s -o /dev/null -w '%{http_code}' --max-time 2 "$base_url/ready" || true)"
wait "$curl_pid" || true
status="$(cat "$work/drain.status")"
[ "$status" = 200 ] || fail "the upload in flight at SIGTERM got HTTP $status: $(cat "$work/drain.json" "$work/drain.err" 2>/dev/null)"
drain_text="$(node -e "process.stdout.write(JSON.parse(require('fs').readFileSync(process.argv[1], 'utf8')).text ?? '')" "$work/drain.json")"
[ -n "$drain_text" ] || fail "the drained response has no text: $(cat "$work/drain.json")"
wait "$stop_pid" || fail "docker stop"
exit_code="$("$docker_cli" inspect -f '{{.State.ExitCode}}' "$name")"
[ "$exit_code" = 0 ] || fail "the container exited with $exit_code after SIGTERM"
"$docker_cli" logs "$name" 2>&1 | grep -q '"msg":"drained: exiting"' || fail "the log does not say it drained"
step_done "SIGTERM mid-upload: 200 with text, exit 0 in $(elapsed "$stop_start") s (/ready during drain: ${ready_during_drain:-closed})"

printf '%s\n' "${results[@]}"
echo "PASS: container smoke test in $(elapsed "$start_all") s"
