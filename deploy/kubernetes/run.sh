#!/usr/bin/env bash
# Runs the Indexed Job of shards, waits for it (at most TIMEOUT, default 24h), then
# the merge, and prints the merge's output:
#   deploy/kubernetes/run.sh            (kubectl's current context and namespace)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
timeout=${TIMEOUT:-24h}
kubectl apply -f "$here/shards-job.yaml"
kubectl wait --for=condition=complete --timeout="$timeout" job/holdem-arena-shards
kubectl delete --ignore-not-found job/holdem-arena-merge
kubectl apply -f "$here/merge-job.yaml"
kubectl wait --for=condition=complete --timeout=10m job/holdem-arena-merge
kubectl logs job/holdem-arena-merge
