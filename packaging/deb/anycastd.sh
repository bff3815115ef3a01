#!/bin/sh
# anycastd: the installed program lives in /usr/lib/anycastd; Node runs it directly (no npx, no PATH lookup).
exec /usr/bin/node /usr/lib/anycastd/dist/cli/main.js "$@"
