#!/bin/sh
# t0400-hook: vigil-shipper run exactly as libvirt runs a qemu hook
# (`vigil-shipper hook OBJ OP SUB EXTRA`, or a symlink named qemu, or one
# in qemu.d/; domain XML on stdin) exits 0 with nothing on stdout for
# every operation -- also when the spool cannot be written, when stdin
# is garbage, huge, or never closes (back within 3 s) -- and appends one
# line per call to the spool; a shipper following the spool as a "hook"
# input delivers each call once, and the collector decodes its fields
# (docs/decoders/hook.md).
. "$(dirname "$0")/../lib.sh"

SPOOL=$T/hooks.log
U=4b1c1d2e-9f30-4c1a-8e2b-0a1b2c3d4e5f
NAME='build vm 2'
HEX=6275696C6420766D2032	# the name, as audit_encode_nv_string writes it
XML="<domain type='kvm' id='7'>
  <name>$NAME</name>
  <uuid>$U</uuid>
  <memory unit='GiB'>4</memory>
  <vcpu placement='static'>2</vcpu>
  <devices>
    <disk type='file' device='disk'>
      <source file='/var/lib/libvirt/images/build.qcow2'/>
      <target dev='vda' bus='virtio'/>
    </disk>
    <interface type='network'>
      <mac address='52:54:00:9a:11:07'/>
      <source network='default' bridge='virbr0'/>
      <target dev='vnet3'/>
    </interface>
    <interface type=\"bridge\">
      <mac address=\"52:54:00:9a:11:08\"/>
      <source bridge=\"br0\"/>
      <target dev=\"vnet4\"/>
    </interface>
  </devices>
</domain>"

now_ms() {
	echo $(( $(date +%s%N) / 1000000 ))
}

# run_hook NAME PROG ARGS...: run PROG ARGS with the caller's stdin as
# libvirt would (spool from $HOOK_SPOOL, default $SPOOL); fail unless it
# exits 0 with an empty stdout.  Its run time goes to $T/NAME.ms.
run_hook() {
	_n=$1
	shift
	_t0=$(now_ms)
	VIGIL_HOOK_SPOOL=${HOOK_SPOOL:-$SPOOL} timeout 10 "$@" \
	    >"$T/$_n.out" 2>"$T/$_n.err"
	_rc=$?
	echo $(( $(now_ms) - _t0 )) >"$T/$_n.ms"
	if [ "$_rc" -ne 0 ]; then
		say "run_hook $*: exit $_rc" >&2
		return 1
	fi
	if [ -s "$T/$_n.out" ]; then
		say "run_hook $*: wrote to stdout:" >&2
		head -c 300 "$T/$_n.out" >&2
		return 1
	fi
	return 0
}

# xml_hook NAME PROG ARGS...: run_hook with the domain XML on stdin.
xml_hook() {
	printf '%s' "$XML" | run_hook "$@"
}

test_expect_success 'start sequence: prepare, start, started begin' '
	xml_hook prepare "$VIGIL_BIN/vigil-shipper" hook "$NAME" prepare begin - &&
	xml_hook start "$VIGIL_BIN/vigil-shipper" hook "$NAME" start begin - &&
	xml_hook started "$VIGIL_BIN/vigil-shipper" hook "$NAME" started begin - &&
	test "$(lines "$SPOOL")" -eq 3 &&
	test "$(stat -c %a "$SPOOL")" = 640
'

test_expect_success 'the spool line has the documented format' '
	expect_log "$SPOOL" "^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{6}Z [^ ]+ vigil-hook\[[0-9]+\]: op=\"prepare\" sub=\"begin\" extra=\"-\" vm=$HEX uuid=$U mac=\"52:54:00:9a:11:07,52:54:00:9a:11:08\" bridge=\"virbr0,br0\" dev=\"vnet3,vnet4\" mem_kib=4194304 vcpus=2 disks=\"/var/lib/libvirt/images/build.qcow2\"\$" &&
	expect_log "$SPOOL" " op=\"started\" sub=\"begin\" extra=\"-\" vm=$HEX "
'

test_expect_success 'migrate and restore via a symlink named qemu: stdout empty' '
	mkdir -p "$T/hooks/qemu.d" &&
	ln -s "$VIGIL_BIN/vigil-shipper" "$T/hooks/qemu" &&
	xml_hook migrate "$T/hooks/qemu" "$NAME" migrate begin - &&
	xml_hook restore "$T/hooks/qemu" "$NAME" restore begin - &&
	test "$(lines "$SPOOL")" -eq 5 &&
	expect_log "$SPOOL" " op=\"migrate\" sub=\"begin\" extra=\"-\" vm=$HEX uuid=$U "
'

test_expect_success 'stop sequence via qemu.d/vigil: stopped end, release end shutdown' '
	ln -s "$VIGIL_BIN/vigil-shipper" "$T/hooks/qemu.d/vigil" &&
	xml_hook stopped "$T/hooks/qemu.d/vigil" "$NAME" stopped end - &&
	xml_hook release "$T/hooks/qemu.d/vigil" "$NAME" release end shutdown &&
	test "$(lines "$SPOOL")" -eq 7 &&
	expect_log "$SPOOL" " op=\"release\" sub=\"end\" extra=\"shutdown\" vm=$HEX "
'

test_expect_success 'spool not writable: still exit 0, nothing on stdout' '
	HOOK_SPOOL=$T/missing/dir/hooks.log \
	    xml_hook nodir "$VIGIL_BIN/vigil-shipper" hook "$NAME" start begin - &&
	HOOK_SPOOL=$T \
	    xml_hook isdir "$VIGIL_BIN/vigil-shipper" hook "$NAME" start begin - &&
	mkdir "$T/ro" && chmod 755 "$T/ro" &&
	if [ "$(id -u)" -eq 0 ] && command -v setpriv >/dev/null; then
		HOOK_SPOOL=$T/ro/hooks.log xml_hook ro setpriv --reuid=65534 \
		    --regid=65534 --clear-groups \
		    "$VIGIL_BIN/vigil-shipper" hook "$NAME" start begin -
	else
		chmod 555 "$T/ro" &&
		HOOK_SPOOL=$T/ro/hooks.log xml_hook ro \
		    "$VIGIL_BIN/vigil-shipper" hook "$NAME" start begin -
	fi &&
	test ! -e "$T/ro/hooks.log" &&
	test "$(lines "$SPOOL")" -eq 7
'

test_expect_success 'garbage on stdin: exit 0, the call is still recorded' '
	head -c 65536 /dev/urandom |
	    run_hook garbage "$VIGIL_BIN/vigil-shipper" hook guest2 start begin - &&
	printf "<domain><name>x</nam></domain>" |
	    run_hook malformed "$T/hooks/qemu" guest2 started begin - &&
	test "$(lines "$SPOOL")" -eq 9 &&
	expect_log "$SPOOL" " op=\"start\" sub=\"begin\" extra=\"-\" vm=\"guest2\"\$"
'

test_expect_success 'stdin that never closes: back within 3 s' '
	mkfifo "$T/fifo" &&
	{ sleep 30 >"$T/fifo" & } &&
	_sp=$! && remember "$_sp" sleep &&
	run_hook stuck "$T/hooks/qemu" guest3 prepare begin - <"$T/fifo"
	_rc=$?
	kill_pid "$_sp"
	say "took $(cat "$T/stuck.ms") ms" &&
	test "$_rc" -eq 0 && test "$(cat "$T/stuck.ms")" -lt 3000 &&
	expect_log "$SPOOL" " op=\"prepare\" sub=\"begin\" extra=\"-\" vm=\"guest3\"\$"
'

test_expect_success 'a 6 MiB domain XML is drained and cut, within 3 s' '
	{ printf "<domain><name>guest4</name><description>" &&
	  head -c 6291456 /dev/zero | tr "\\0" x &&
	  printf "</description></domain>"; } >"$T/huge.xml" &&
	run_hook huge "$VIGIL_BIN/vigil-shipper" hook guest4 started begin - \
	    <"$T/huge.xml" &&
	say "took $(cat "$T/huge.ms") ms" &&
	test "$(cat "$T/huge.ms")" -lt 3000 &&
	test "$(lines "$SPOOL")" -eq 11 &&
	expect_log "$SPOOL" " op=\"started\" sub=\"begin\" extra=\"-\" vm=\"guest4\"\$"
'

test_expect_success 'a shipper follows the spool as a hook input' '
	start_collector &&
	start_shipper hv1 --role host --from-beginning --input "hook:$SPOOL" &&
	wait_for "test \$(vigil_cli search --json --limit 1000 process.name:vigil-hook | wc -l) -ge 11" 20
'

test_expect_success 'vigil search returns every call once, as syslog fields' '
	vigil_cli search --json --limit 1000 process.name:vigil-hook >"$T/q.json" &&
	python3 - "$T/q.json" "$SPOOL" <<-\PY
	import json, re, sys
	evs = [json.loads(l) for l in open(sys.argv[1])]
	spool = open(sys.argv[2]).read().splitlines()
	assert len(evs) == len(spool) == 11, (len(evs), len(spool))
	want = sorted(re.search(r"\[(\d+)\]", l).group(1) for l in spool)
	got = sorted(e["process.pid"] for e in evs)
	assert want == got, (want, got)
	for e in evs:
	    assert e["process.name"] == "vigil-hook", e
	    assert e["host.name"] == "hv1", e
	    assert e["message"].startswith("op=\""), e
	    assert re.match(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$",
	        e["@timestamp"]), e
	    assert "malformed" not in json.dumps(e), e
	l = next(l for l in spool if "op=\"prepare\"" in l)
	ts = l.split(" ")[0]
	assert any(e["@timestamp"] == ts for e in evs), ts
	PY
'

# The fields below come from collector/dec_hook.c, which decode.c runs for
# process.name "vigil-hook".
test_expect_success 'dec_hook: start sequence fields' '
	vigil_cli search --json "event.action:vm_hook_started vm.name:\"$NAME\"" \
	    >"$T/started.json" &&
	test "$(wc -l <"$T/started.json")" -eq 1 &&
	grep -q "\"libvirt.hook.op\":\"started\"" "$T/started.json" &&
	grep -q "\"libvirt.hook.sub\":\"begin\"" "$T/started.json" &&
	! grep -q "\"libvirt.hook.extra\"" "$T/started.json" &&
	grep -q "\"vm.uuid\":\"$U\"" "$T/started.json" &&
	grep -q "\"vm.mac\":\"52:54:00:9a:11:07,52:54:00:9a:11:08\"" "$T/started.json" &&
	grep -q "\"vm.bridge\":\"virbr0,br0\"" "$T/started.json" &&
	grep -q "\"vm.vnet\":\"vnet3,vnet4\"" "$T/started.json" &&
	grep -q "\"vm.memory_kib\":\"4194304\"" "$T/started.json" &&
	grep -q "\"vm.vcpus\":\"2\"" "$T/started.json" &&
	grep -q "\"vm.disks\":\"/var/lib/libvirt/images/build.qcow2\"" "$T/started.json" &&
	for op in prepare start migrate restore stopped; do
		vigil_cli search --json "event.action:vm_hook_$op vm.name:\"$NAME\"" \
		    >"$T/$op.json" &&
		test "$(wc -l <"$T/$op.json")" -eq 1 || return 1
	done
'

test_expect_success 'dec_hook: release reason, VM names from the object' '
	vigil_cli search --json "event.action:vm_hook_release" >"$T/rel.json" &&
	test "$(wc -l <"$T/rel.json")" -eq 1 &&
	grep -q "\"event.reason\":\"shutdown\"" "$T/rel.json" &&
	grep -q "\"libvirt.hook.extra\":\"shutdown\"" "$T/rel.json" &&
	grep -q "\"vm.name\":\"$NAME\"" "$T/rel.json" &&
	vigil_cli search --json "vm.name:guest3" >"$T/g3.json" &&
	test "$(wc -l <"$T/g3.json")" -eq 1 &&
	grep -q "\"event.action\":\"vm_hook_prepare\"" "$T/g3.json" &&
	test "$(vigil_cli search --json "vm.name:guest2" | wc -l)" -eq 2
'

test_done
