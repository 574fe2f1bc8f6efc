#!/usr/bin/env bash
# A neutral server for the load tool: nginx on loopback answering canned AI.YOU responses,
# recorded once from the embedded server. Port 18201 answers every chat request with a
# non-streamed completion, port 18202 with a 10,000-event stream (nginx cannot route on the
# request body, so each kind of answer gets its own port).
#
#   Benchmarks/nginx/canned-server.sh start    # records the answers, starts nginx
#   Benchmarks/nginx/canned-server.sh stop
#   curl -s http://127.0.0.1:18201/nginx_status    # connections accepted so far (both ports)
#
# Needs nginx and curl (Debian: apt-get install nginx curl) and a release build of aiyou
# (swift build -c release --product aiyou).
set -euo pipefail
cd "$(dirname "$0")/../.."
work="${AIYOU_NGINX_DIR:-/tmp/aiyou-nginx}"
aiyou=".build/release/aiyou"

stop() {
    if [[ -f "$work/nginx.pid" ]]; then kill "$(cat "$work/nginx.pid")" 2>/dev/null || true; fi
}

record() {
    mkdir -p "$work/canned/api/v1/chat" "$work/canned/api/v1/user" "$work/stream/api/v1/chat" "$work/logs"
    "$aiyou" serve --port 18299 --chunks 10000 >"$work/logs/serve.log" 2>&1 &
    serve_pid=$!
    trap 'kill $serve_pid 2>/dev/null || true' EXIT
    for _ in $(seq 50); do curl -s -o /dev/null "http://127.0.0.1:18299/" && break || sleep 0.1; done
    local auth="Authorization: Bearer aiyou-mock-api-key"
    # The answer echoes the prompt: this one makes a completion of about 650 bytes, the size of
    # the reference measurements in issue 4.
    local prompt="Bonjour, peux-tu résumer en quelques lignes les points principaux de notre dernière réunion sur la migration des services vers la nouvelle plateforme, en indiquant les risques identifiés, les décisions prises et les prochaines étapes pour l'équipe ?"
    curl -sf -H "$auth" -H 'Content-Type: application/json' \
        -d '{"messages":[{"role":"user","content":[{"type":"text","text":"'"$prompt"'"}]}],"assistantId":"602","stream":false}' \
        "http://127.0.0.1:18299/api/v1/chat/completions" >"$work/canned/api/v1/chat/completions"
    curl -sf -H "$auth" -H 'Content-Type: application/json' \
        -d '{"messages":[{"role":"user","content":[{"type":"text","text":"Bonjour"}]}],"assistantId":"602","stream":true}' \
        "http://127.0.0.1:18299/api/v1/chat/completions" >"$work/stream/api/v1/chat/completions"
    curl -sf -H "$auth" "http://127.0.0.1:18299/api/v1/user/assistants" >"$work/canned/api/v1/user/assistants"
}

start() {
    stop
    record
    kill "$serve_pid" 2>/dev/null || true
    cat >"$work/nginx.conf" <<CONF
worker_processes 1;
pid $work/nginx.pid;
error_log $work/logs/error.log warn;
events { worker_connections 4096; }
http {
    access_log off;
    keepalive_requests 10000000;
    keepalive_timeout 120s;
    client_body_temp_path $work/body;
    proxy_temp_path $work/proxy;
    fastcgi_temp_path $work/fastcgi;
    uwsgi_temp_path $work/uwsgi;
    scgi_temp_path $work/scgi;
    server {
        listen 127.0.0.1:18201;
        root $work/canned;
        default_type application/json;
        # Connections accepted so far ("accepts"): how many the client opened.
        location = /nginx_status { stub_status; }
        # Static files answer GET only; a POST is turned into the same file.
        error_page 405 =200 \$uri;
    }
    server {
        listen 127.0.0.1:18202;
        root $work/stream;
        default_type text/event-stream;
        error_page 405 =200 \$uri;
    }
}
CONF
    nginx -c "$work/nginx.conf" -p "$work"
    echo "chat:   http://127.0.0.1:18201 ($(wc -c <"$work/canned/api/v1/chat/completions") bytes)"
    echo "stream: http://127.0.0.1:18202 ($(grep -c '^data:' "$work/stream/api/v1/chat/completions") events)"
}

case "${1:-start}" in
    start) start ;;
    stop) stop ;;
    *) echo "usage: $0 start|stop" >&2; exit 2 ;;
esac
