/*
 * dec_hook.h -- decoder for the lines vigil-shipper writes as a libvirt
 * hook (shipper/hook.c; format in docs/decoders/hook.md).  decode.c calls
 * it for process.name "vigil-hook" with the message part of the line.
 */
#ifndef VIGIL_DEC_HOOK_H
#define VIGIL_DEC_HOOK_H

#include <stddef.h>

#include "record.h"

/*
 * "op=.. sub=.. extra=.. vm=.. uuid=.. mac=.. bridge=.. dev=.. mem_kib=N
 * vcpus=N disks=.. [cut=1]" -> event.action vm_hook_OP, libvirt.hook.op,
 * libvirt.hook.sub and libvirt.hook.extra (not when "-"), event.reason
 * (release: extra), vm.name, vm.uuid, vm.mac, vm.bridge, vm.vnet,
 * vm.memory_kib, vm.vcpus, vm.disks, libvirt.hook.cut.  The dec.h
 * contract: pure, no allocation; quoted values point into msg, hex ones
 * are decoded into the record's scratch space; a field already set is
 * never replaced.  Returns 0, or ERR_FORMAT (not such a line: op= first,
 * key=value tokens, valid hex, digits for numbers) or ERR_TOOBIG (the
 * record ran out of fields or scratch); the record is then unchanged.
 */
int	dec_hook(const char *msg, size_t len, struct record *);

#endif
