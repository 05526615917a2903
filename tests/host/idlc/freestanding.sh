#!/usr/bin/env bash
# freestanding.sh OBJ... - TAP: each object (generated code compiled with the
# freestanding flags) may leave undefined only the transport of
# libsys/ipc.h: no C library function, not even memcpy.
set -u
allowed='^(mica_utcb|mica_ipc_call|mica_ipc_send)$'
echo "1..$#"
for obj in "$@"; do
	extra=$(nm -u "$obj" | awk '{print $2}' | grep -Ev "$allowed")
	if [ -z "$extra" ]; then
		echo "ok - $(basename "$obj") needs only the libsys/ipc.h transport"
	else
		echo "not ok - $(basename "$obj") needs $(echo $extra)"
	fi
done
