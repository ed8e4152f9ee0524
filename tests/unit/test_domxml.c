/*
 * test_domxml.c -- unit tests for shipper/domxml.c: real libvirt domain
 * XML (live with two interfaces on a network and a bridge, inactive as
 * prepare sees it), memory units, entities and character references,
 * comments, CDATA, attributes in either quote, nested unknown elements
 * and look-alikes in <metadata>/<backingStore>, bounds on interfaces,
 * disks and value lengths, truncation at every byte, bit flips, garbage,
 * NUL bytes and input over DOMXML_IN_MAX.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "domxml.h"
#include "err.h"
#include "test.h"

static struct domxml d;

/* the XML libvirt passes to started/release (live, ids and aliases) */
static const char running[] =
	"<domain type='kvm' id='7'>\n"
	"  <name>guest1</name>\n"
	"  <uuid>6f1b3c52-5b1a-4c8e-9d11-2b3c4d5e6f70</uuid>\n"
	"  <metadata>\n"
	"    <app:instance xmlns:app=\"http://example.org/app/1\">\n"
	"      <app:name>not the domain name</app:name>\n"
	"      <name>nor this</name>\n"
	"    </app:instance>\n"
	"  </metadata>\n"
	"  <memory unit='KiB'>4194304</memory>\n"
	"  <currentMemory unit='KiB'>4194304</currentMemory>\n"
	"  <vcpu placement='static'>4</vcpu>\n"
	"  <os>\n"
	"    <type arch='x86_64' machine='pc-q35-7.2'>hvm</type>\n"
	"    <boot dev='hd'/>\n"
	"  </os>\n"
	"  <devices>\n"
	"    <emulator>/usr/bin/qemu-system-x86_64</emulator>\n"
	"    <disk type='file' device='disk'>\n"
	"      <driver name='qemu' type='qcow2'/>\n"
	"      <source file='/var/lib/libvirt/images/guest1.qcow2' index='2'/>\n"
	"      <backingStore type='file' index='3'>\n"
	"        <format type='qcow2'/>\n"
	"        <source file='/var/lib/libvirt/images/base.qcow2'/>\n"
	"        <backingStore/>\n"
	"      </backingStore>\n"
	"      <target dev='vda' bus='virtio'/>\n"
	"    </disk>\n"
	"    <disk type='file' device='cdrom'>\n"
	"      <driver name='qemu' type='raw'/>\n"
	"      <target dev='sda' bus='sata'/>\n"
	"      <readonly/>\n"
	"    </disk>\n"
	"    <disk type='block' device='disk'>\n"
	"      <source dev=\"/dev/vg0/guest1-data\"/>\n"
	"      <target dev='vdb' bus='virtio'/>\n"
	"    </disk>\n"
	"    <disk type='network' device='disk'>\n"
	"      <source protocol='rbd' name='pool/guest1-extra'>\n"
	"        <host name='ceph1.example.org' port='6789'/>\n"
	"      </source>\n"
	"      <target dev='vdc' bus='virtio'/>\n"
	"    </disk>\n"
	"    <interface type='network'>\n"
	"      <mac address='52:54:00:6b:2e:01'/>\n"
	"      <source network='default' portid='3b1e6a55-1f7f-4f4b-9b0e-2a0c8a1c2f11' bridge='virbr0'/>\n"
	"      <target dev='vnet0'/>\n"
	"      <model type='virtio'/>\n"
	"      <alias name='net0'/>\n"
	"    </interface>\n"
	"    <!-- <interface type='bridge'><mac address='00:00:00:00:00:00'/></interface> -->\n"
	"    <interface type=\"bridge\">\n"
	"      <mac address=\"52:54:00:6b:2e:02\"/>\n"
	"      <source bridge=\"br0\"/>\n"
	"      <target dev=\"vnet1\"/>\n"
	"      <model type=\"virtio\"/>\n"
	"    </interface>\n"
	"  </devices>\n"
	"  <seclabel type='dynamic' model='apparmor' relabel='yes'>\n"
	"    <label>libvirt-6f1b3c52-5b1a-4c8e-9d11-2b3c4d5e6f70</label>\n"
	"  </seclabel>\n"
	"</domain>\n";

/* the XML libvirt passes to prepare (inactive: no target dev) */
static const char inactive[] =
	"<domain type='kvm'>\n"
	"  <name>build vm 2</name>\n"
	"  <uuid>4b1c1d2e-9f30-4c1a-8e2b-0a1b2c3d4e5f</uuid>\n"
	"  <memory unit='GiB'>2</memory>\n"
	"  <vcpu placement='static' current='1'>2</vcpu>\n"
	"  <devices>\n"
	"    <disk type='file' device='disk'>\n"
	"      <source file='/srv/vm/build vm 2.img'/>\n"
	"      <target dev='vda' bus='virtio'/>\n"
	"    </disk>\n"
	"    <interface type='network'>\n"
	"      <mac address='52:54:00:9a:11:07'/>\n"
	"      <source network='default'/>\n"
	"      <model type='virtio'/>\n"
	"    </interface>\n"
	"  </devices>\n"
	"</domain>\n";

static int
parse(const char *s)
{
	return domxml_parse(s, strlen(s), &d);
}

static void
test_running(void)
{
	T_INT(parse(running), 0);
	T_STR(d.name, "guest1");
	T_STR(d.uuid, "6f1b3c52-5b1a-4c8e-9d11-2b3c4d5e6f70");
	T_INT(d.mem_kib, 4194304);
	T_INT(d.vcpus, 4);
	T_INT(d.niface, 2);
	T_STR(d.iface[0].mac, "52:54:00:6b:2e:01");
	T_STR(d.iface[0].bridge, "virbr0");	/* bridge= wins over network= */
	T_STR(d.iface[0].dev, "vnet0");
	T_STR(d.iface[1].mac, "52:54:00:6b:2e:02");
	T_STR(d.iface[1].bridge, "br0");
	T_STR(d.iface[1].dev, "vnet1");
	/* backingStore's source and the empty cdrom are not disks */
	T_INT(d.ndisk, 3);
	T_STR(d.disk[0], "/var/lib/libvirt/images/guest1.qcow2");
	T_STR(d.disk[1], "/dev/vg0/guest1-data");
	T_STR(d.disk[2], "pool/guest1-extra");
	T_INT(d.dropped, 0);
}

static void
test_inactive(void)
{
	T_INT(parse(inactive), 0);
	T_STR(d.name, "build vm 2");
	T_INT(d.mem_kib, 2 * 1024 * 1024);
	T_INT(d.vcpus, 2);
	T_INT(d.niface, 1);
	T_STR(d.iface[0].mac, "52:54:00:9a:11:07");
	T_STR(d.iface[0].bridge, "default");	/* network name */
	T_STR(d.iface[0].dev, "");
	T_INT(d.ndisk, 1);
	T_STR(d.disk[0], "/srv/vm/build vm 2.img");
}

static void
test_units(void)
{
	static const struct {
		const char	*unit;
		uint64_t	 v;
		int64_t		 kib;
	} u[] = {
		{ NULL, 7, 7 }, { "KiB", 7, 7 }, { "k", 7, 7 }, { "kib", 7, 7 },
		{ "b", 1024, 1 }, { "bytes", 1025, 2 }, { "bytes", 0, 0 },
		{ "KB", 1024, 1000 }, { "KB", 1, 1 },
		{ "M", 3, 3072 }, { "MiB", 3, 3072 }, { "MB", 1, 977 },
		{ "G", 2, 2097152 }, { "GiB", 2, 2097152 },
		{ "GB", 1, 976563 }, { "T", 1, 1073741824LL },
		{ "TiB", 1, 1073741824LL }, { "TB", 1, 976562500LL },
		{ "P", 1, 1LL << 40 }, { "E", 1, 1LL << 50 },
		{ "EiB", 15, 15LL << 50 },
	};
	char	buf[256];
	size_t	i;
	int64_t	k;

	for (i = 0; i < sizeof(u) / sizeof(u[0]); i++) {
		k = -1;
		T_INT(domxml_mem_kib(u[i].v, u[i].unit ? u[i].unit : "",
		    u[i].unit ? strlen(u[i].unit) : 0, &k), 0);
		T_INT(k, u[i].kib);
		if (u[i].unit == NULL)
			snprintf(buf, sizeof(buf), "<domain><memory>%llu"
			    "</memory></domain>", (unsigned long long)u[i].v);
		else
			snprintf(buf, sizeof(buf), "<domain><memory unit="
			    "\"%s\"> %llu\n</memory></domain>", u[i].unit,
			    (unsigned long long)u[i].v);
		T_INT(parse(buf), 0);
		T_INT(d.mem_kib, u[i].kib);
	}
	T_INT(domxml_mem_kib(1, "XB", 2, &k), ERR_FORMAT);
	T_INT(domxml_mem_kib(1, "KiBB", 4, &k), ERR_FORMAT);
	T_INT(domxml_mem_kib(16, "EiB", 3, &k), ERR_RANGE);
	T_INT(domxml_mem_kib(UINT64_MAX, "", 0, &k), ERR_RANGE);
	T_INT(domxml_mem_kib(UINT64_MAX, "b", 1, &k), 0);
	T_INT(k, (int64_t)(UINT64_MAX / 1024 + 1));

	/* bad sizes are dropped, not guessed */
	T_INT(parse("<domain><memory unit='EiB'>100</memory></domain>"), 0);
	T_INT(d.mem_kib, -1);
	T_INT(d.dropped, 1);
	T_INT(parse("<domain><memory unit='parsec'>1</memory></domain>"), 0);
	T_INT(d.mem_kib, -1);
	T_INT(parse("<domain><memory>-1</memory><vcpu>two</vcpu>"
	    "</domain>"), 0);
	T_INT(d.mem_kib, -1);
	T_INT(d.vcpus, -1);
	T_INT(d.dropped, 2);
	T_INT(parse("<domain><memory>99999999999999999999</memory>"
	    "<vcpu>1 2</vcpu></domain>"), 0);
	T_INT(d.mem_kib, -1);
	T_INT(d.vcpus, -1);
	T_INT(parse("<domain><memory unit='averyveryverylongunitname'>1"
	    "</memory></domain>"), 0);
	T_INT(d.mem_kib, -1);
}

static void
test_entities(void)
{
	T_INT(parse("<domain type=\"kvm\"><name>t&amp;est&lt;&gt;&quot;"
	    "&apos;&#65;&#x42;&#xe9;&#x20AC;&#x1F600;</name></domain>"), 0);
	T_STR(d.name, "t&est<>\"'AB\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80");
	/* unknown or invalid references stay as text */
	T_INT(parse("<domain><name>&unknown;&#;&#x;&#0;&#xD800;&#x110000;"
	    "&#123456789;&amp</name></domain>"), 0);
	T_STR(d.name, "&unknown;&#;&#x;&#0;&#xD800;&#x110000;&#123456789;"
	    "&amp");
	T_INT(parse("<domain><devices><interface type='bridge'>"
	    "<mac address='52:54:00:00:00:01'/>"
	    "<source bridge='br&apos;0'/><target dev=\"tap&quot;x\"/>"
	    "</interface><disk><source file='/a&amp;b &lt;c&gt;'/></disk>"
	    "</devices></domain>"), 0);
	T_STR(d.iface[0].bridge, "br'0");
	T_STR(d.iface[0].dev, "tap\"x");
	T_STR(d.disk[0], "/a&b <c>");
}

static void
test_quotes_comments(void)
{
	/* quotes of the other kind inside values; '>' is legal in them */
	T_INT(parse("<domain ><devices\n><interface\ttype = 'bridge' >"
	    "<source bridge=\"it's\" /><target dev='say \"hi\" > x'/>"
	    "<mac address = \"52:54:00:00:00:02\"/></interface></devices>"
	    "</domain >"), 0);
	T_STR(d.iface[0].bridge, "it's");
	T_STR(d.iface[0].dev, "say \"hi\" > x");
	T_STR(d.iface[0].mac, "52:54:00:00:00:02");
	/* comments: inside text, holding markup, before the root */
	T_INT(parse("<?xml version='1.0'?>\n<!-- <domain><name>x</name> -->"
	    "\n<!DOCTYPE domain>\n<domain><name>gu<!-- -- <name>no</name> -->"
	    "est</name><uuid>\n  u-1 \n</uuid><?pi x?></domain>\n"), 0);
	T_STR(d.name, "guest");
	T_STR(d.uuid, "u-1");
	/* CDATA is text, taken as is */
	T_INT(parse("<domain><name><![CDATA[a&amp;<b>]]></name></domain>"), 0);
	T_STR(d.name, "a&amp;<b>");
	/* self-closing root and elements */
	T_INT(parse("<domain type='qemu'/>"), 0);
	T_STR(d.name, "");
	T_INT(parse("<domain><name/><uuid/><devices/></domain>"), 0);
	T_STR(d.name, "");
	T_INT(d.niface, 0);
}

static void
test_paths(void)
{
	/* only domain/name counts; nested ones in unknown elements do not */
	T_INT(parse("<domain><a><b><c><name>deep</name></c></b></a>"
	    "<name>top</name><devices><x><interface><mac address='00:11:22:"
	    "33:44:55'/></interface></x><interface><target dev='vnet9'/>"
	    "<source><bridge name='no'/></source></interface></devices>"
	    "</domain>"), 0);
	T_STR(d.name, "top");
	T_INT(d.niface, 1);
	T_STR(d.iface[0].mac, "");
	T_STR(d.iface[0].dev, "vnet9");
	T_STR(d.iface[0].bridge, "");
	/* a child element inside <name> does not end the capture */
	T_INT(parse("<domain><name>a<b>x</b>c</name></domain>"), 0);
	T_STR(d.name, "ac");
	/* the first <source> of a disk is its source */
	T_INT(parse("<domain><devices><disk><source file='/1'/><source "
	    "file='/2'/></disk><disk><source dev='/dev/sdb' file='/f'/>"
	    "</disk><disk><source protocol='nbd'/></disk></devices>"
	    "</domain>"), 0);
	T_INT(d.ndisk, 2);
	T_STR(d.disk[0], "/1");
	T_STR(d.disk[1], "/f");
}

static void
test_deep(void)
{
	static char	buf[64 * 1024];
	size_t		n = 0, i;

	n += (size_t)sprintf(buf + n, "<domain><metadata>");
	for (i = 0; i < 200; i++)
		n += (size_t)sprintf(buf + n, "<e%zu>", i);
	n += (size_t)sprintf(buf + n, "<name>no</name>");
	for (i = 200; i-- > 0;)
		n += (size_t)sprintf(buf + n, "</e%zu>", i);
	n += (size_t)sprintf(buf + n, "</metadata><name>yes</name>"
	    "</domain>");
	T_INT(domxml_parse(buf, n, &d), 0);
	T_STR(d.name, "yes");
	/* beyond DOMXML_DEPTH_MAX end tags are not checked, but counted */
	T_INT(domxml_parse(buf, n - strlen("</domain>"), &d), ERR_INCOMPLETE);
}

static void
test_bounds(void)
{
	static char	buf[256 * 1024];
	char		big[DOMXML_PATH_MAX + 2];
	size_t		n = 0, i;

	n += (size_t)sprintf(buf + n, "<domain><devices>");
	for (i = 0; i < DOMXML_IFACE_MAX + 8; i++)
		n += (size_t)sprintf(buf + n, "<interface><mac address="
		    "'52:54:00:00:00:%02zx'/><target dev='vnet%zu'/>"
		    "</interface>", i, i);
	for (i = 0; i < DOMXML_DISK_MAX + 6; i++)
		n += (size_t)sprintf(buf + n, "<disk><source file='/d%zu'/>"
		    "</disk>", i);
	n += (size_t)sprintf(buf + n, "</devices></domain>");
	T_INT(domxml_parse(buf, n, &d), 0);
	T_INT(d.niface, DOMXML_IFACE_MAX);
	T_INT(d.ndisk, DOMXML_DISK_MAX);
	T_INT(d.dropped, 8 + 6);
	T_STR(d.iface[31].dev, "vnet31");
	T_STR(d.disk[63], "/d63");

	/* a value at its bound is kept, one byte more is dropped */
	memset(big, 'p', sizeof(big));
	big[0] = '/';
	big[DOMXML_PATH_MAX] = '\0';
	n = (size_t)snprintf(buf, sizeof(buf), "<domain><devices><disk>"
	    "<source file='%s'/></disk></devices></domain>", big);
	T_INT(domxml_parse(buf, n, &d), 0);
	T_INT(d.ndisk, 1);
	T_INT(strlen(d.disk[0]), DOMXML_PATH_MAX);
	big[DOMXML_PATH_MAX] = 'p';
	big[DOMXML_PATH_MAX + 1] = '\0';
	n = (size_t)snprintf(buf, sizeof(buf), "<domain><devices><disk>"
	    "<source file='%s'/></disk></devices></domain>", big);
	T_INT(domxml_parse(buf, n, &d), 0);
	T_INT(d.ndisk, 0);
	T_INT(d.dropped, 1);
	/* a name of 255 bytes fits, 256 does not (entities count decoded) */
	memset(big, 'n', DOMXML_STR_MAX);
	big[DOMXML_STR_MAX] = '\0';
	n = (size_t)snprintf(buf, sizeof(buf), "<domain><name>  %s  </name>"
	    "</domain>", big);
	T_INT(domxml_parse(buf, n, &d), 0);
	T_INT(strlen(d.name), DOMXML_STR_MAX);
	n = (size_t)snprintf(buf, sizeof(buf), "<domain><name>%s&amp;"
	    "</name></domain>", big);
	T_INT(domxml_parse(buf, n, &d), 0);
	T_STR(d.name, "");
	T_INT(d.dropped, 1);
	/* more than ATTR_MAX attributes: the rest are ignored, no harm */
	n = (size_t)sprintf(buf, "<domain><devices><interface><mac");
	for (i = 0; i < 40; i++)
		n += (size_t)sprintf(buf + n, " a%zu='%zu'", i, i);
	n += (size_t)sprintf(buf + n, " address='x'/></interface></devices>"
	    "</domain>");
	T_INT(domxml_parse(buf, n, &d), 0);
	T_STR(d.iface[0].mac, "");
}

static void
test_malformed(void)
{
	T_INT(parse(""), ERR_INCOMPLETE);
	T_INT(parse("   \n"), ERR_INCOMPLETE);
	T_INT(parse("<network><name>default</name></network>"), ERR_FORMAT);
	T_INT(parse("<domainx/>"), ERR_FORMAT);
	T_INT(parse("<hookData><domain/></hookData>"), ERR_FORMAT);
	T_INT(parse("<domain><name>x</nam></domain>"), ERR_FORMAT);
	T_STR(d.name, "");
	T_INT(parse("<domain><name>x</name></domain></extra>"), 0);
	T_INT(parse("<domain a=b/>"), ERR_FORMAT);
	T_INT(parse("<domain a/>"), ERR_FORMAT);
	T_INT(parse("<domain a='1'b='2'/>"), ERR_FORMAT);
	T_INT(parse("<domain a='<'/>"), ERR_FORMAT);
	T_INT(parse("< domain/>"), ERR_FORMAT);
	T_INT(parse("<domain/ >"), ERR_FORMAT);
	T_INT(parse("<domain></>"), ERR_FORMAT);
	T_INT(parse("<domain><name>x</name><!ELEMENT x></domain>"),
	    ERR_FORMAT);
	T_STR(d.name, "x");	/* what came before stays */
	T_INT(parse("</domain>"), ERR_FORMAT);
	T_INT(parse("<domain><name>x</name>"), ERR_INCOMPLETE);
	T_STR(d.name, "x");
	/* an embedded NUL is just a byte */
	T_INT(domxml_parse("<domain><name>a\0b</name></domain>", 33, &d), 0);
	T_INT(d.name[0], 'a');
	T_INT(d.name[1], '\0');
	T_INT(d.name[2], 'b');
}

/* Every prefix: no crash, never 0, and what is found is what the whole
 * document has (values are stored only once complete). */
static void
test_truncate(const char *doc)
{
	static struct domxml	full;
	size_t			len = strlen(doc), k, i, end;
	int			r, bad = 0;

	T_INT(domxml_parse(doc, len, &full), 0);
	/* complete once the root's end tag is in */
	end = (size_t)(strstr(doc, "</domain>") - doc) + 9;
	for (k = 0; k < len; k++) {
		r = domxml_parse(doc, k, &d);
		if (r != (k < end ? ERR_INCOMPLETE : 0))
			bad++;
		if (d.name[0] != '\0' && strcmp(d.name, full.name) != 0)
			bad++;
		if (d.niface > full.niface || d.ndisk > full.ndisk)
			bad++;
		for (i = 0; i < d.niface; i++)
			if ((d.iface[i].mac[0] != '\0' &&
			    strcmp(d.iface[i].mac, full.iface[i].mac) != 0) ||
			    (d.iface[i].dev[0] != '\0' &&
			    strcmp(d.iface[i].dev, full.iface[i].dev) != 0))
				bad++;
		for (i = 0; i < d.ndisk; i++)
			if (strcmp(d.disk[i], full.disk[i]) != 0)
				bad++;
		if (d.mem_kib != -1 && d.mem_kib != full.mem_kib)
			bad++;
	}
	T_INT(bad, 0);
}

static uint32_t
rnd(uint32_t *s)
{
	*s = *s * 1103515245u + 12345u;
	return *s >> 8;
}

/* Bit flips and random bytes: bounded, no crash (ASan/UBSan builds). */
static void
test_fuzzish(void)
{
	static char	buf[8192];
	size_t		len = strlen(running), i, j;
	uint32_t	s = 1;
	int		ok = 0;

	for (i = 0; i < 4000; i++) {
		memcpy(buf, running, len);
		for (j = 0; j < 1 + i % 5; j++)
			buf[rnd(&s) % len] ^= (char)(1 << (rnd(&s) % 8));
		if (domxml_parse(buf, len, &d) == 0)
			ok++;
		T_OK(d.niface <= DOMXML_IFACE_MAX && d.ndisk <= DOMXML_DISK_MAX);
	}
	T_OK(ok > 0);
	for (i = 0; i < 2000; i++) {
		len = rnd(&s) % sizeof(buf);
		for (j = 0; j < len; j++)
			buf[j] = "<>/='\"&;! \nabdomainetrfcsuvx-#"[rnd(&s) % 31];
		(void)domxml_parse(buf, len, &d);
		for (j = 0; j < len; j++)
			buf[j] = (char)rnd(&s);
		(void)domxml_parse(buf, len, &d);
	}
	T_OK(1);
}

/* Input over DOMXML_IN_MAX: only the bound is scanned. */
static void
test_huge(void)
{
	size_t	 n = DOMXML_IN_MAX + 4096, len;
	char	*buf;

	if ((buf = malloc(n)) == NULL) {
		T_OK(0);
		return;
	}
	/* a 4 MiB comment, then the name: not seen, incomplete */
	len = (size_t)sprintf(buf, "<domain><name>big</name><!--");
	memset(buf + len, 'c', n - len);
	memcpy(buf + n - 40, "--><uuid>u</uuid></domain>", 26);
	T_INT(domxml_parse(buf, n - 14, &d), ERR_INCOMPLETE);
	T_STR(d.name, "big");
	T_STR(d.uuid, "");
	/* a 4 MiB name: dropped, the rest parsed */
	len = (size_t)sprintf(buf, "<domain><name>");
	memset(buf + len, 'n', DOMXML_IN_MAX - 200);
	len += DOMXML_IN_MAX - 200;
	len += (size_t)sprintf(buf + len, "</name><vcpu>3</vcpu></domain>");
	T_INT(domxml_parse(buf, len, &d), 0);
	T_STR(d.name, "");
	T_INT(d.vcpus, 3);
	T_INT(d.dropped, 1);
	/* a 4 MiB text outside captured elements */
	len = (size_t)sprintf(buf, "<domain><description>");
	memset(buf + len, '&', DOMXML_IN_MAX - 200);
	len += DOMXML_IN_MAX - 200;
	len += (size_t)sprintf(buf + len, "</description><vcpu>5</vcpu>"
	    "</domain>");
	T_INT(domxml_parse(buf, len, &d), 0);
	T_INT(d.vcpus, 5);
	free(buf);
}

int
main(void)
{
	test_running();
	test_inactive();
	test_units();
	test_entities();
	test_quotes_comments();
	test_paths();
	test_deep();
	test_bounds();
	test_malformed();
	test_truncate(running);
	test_truncate(inactive);
	test_truncate("<?xml version='1.0'?><!-- c --><domain><name>a&amp;b"
	    "</name><![CDATA[x]]><devices><interface><mac address=\"m\"/>"
	    "</interface></devices></domain>");
	test_fuzzish();
	test_huge();
	return TEST_DONE();
}
