#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
"""Cell management through the running hypervisor: cellctl cell
create/destroy with the qemu-virt Linux inmate config.

Create must work: the new cell is listed "shut down" with CPUs 2-3, Linux
gives those CPUs up, the root keeps 0-1. A load into its LOADABLE RAM
works; shutdown of the never-started cell works (t_hv_inmate and
t_hv_linux_inmate start cells). A second create under the same name and a
disable while the cell exists are refused. Destroy, with the RAM still
lent to the root by the load, hands the CPUs back to Linux and the
hypervisor's page pool usage returns to its figure before the create, also
over five create/destroy cycles.
"""

from harness import Test, SYSFS, enable_root, linux_healthy, sysfs_int

INMATE = "/etc/libcell/linux-inmate.cell"
t = Test("hv_cells")
t.need_hv_stack()
t.need_config("linux-inmate")

CYCLES = 5


def refused(t, b, cmd, errno_text, what):
    rc, out = b.run_rc(cmd, timeout=60)
    return t.check(rc == 1 and errno_text in out and out.startswith("cellctl: "),
                   what, "rc=%d: %s" % (rc, out))


def cell_listed(t, b):
    lst = b.run("cellctl cell list")
    m = t.check_re(r"^\s*([1-9]\d*)\s+linux-inmate\s+shut down\s+2-3\s*$", lst,
                   "new cell listed shut down with CPUs 2-3")
    t.check_re(r"^\s*0\s+\S+\s+running\s+0-1\s*$", lst, "root cell keeps CPUs 0-1")
    return m[1] if m else None


def create(t, b, what):
    rc, out = b.run_rc("cellctl cell create " + INMATE, timeout=60)
    return t.check(rc == 0, what, "rc=%d: %s" % (rc, out))


def destroy(t, b, what):
    rc, out = b.run_rc("cellctl cell destroy linux-inmate", timeout=60)
    return t.check(rc == 0, what, "rc=%d: %s" % (rc, out))


def bad_configs(t, b, pool):
    """Variants of the inmate config the driver or the hypervisor refuses;
    after each, Linux has all CPUs and the pool usage is unchanged."""
    b.run("cellctl config decode %s > /tmp/inmate.json" % INMATE)
    # RAM moved onto the hypervisor memory (0x7fc00000): the hypervisor says
    # no after the driver took CPUs 2-3 offline, which must come back.
    variants = [("cpu0", r"s/\"cpus\": \[2, 3\]/\"cpus\": [0, 2, 3]/",
                 "Device or resource busy", "a cell with CPU 0 is refused (EBUSY)"),
                ("hvmem", "s/1879048192/2143289344/g", "Invalid argument",
                 "a cell with RAM on the hypervisor memory is refused (EINVAL)"),
                # no SMMU support yet: refused rather than silently unenforced
                ("streamid", r"s/\"stream_ids\": \[\]/\"stream_ids\": [5]/", "Invalid argument",
                 "a cell with a stream ID is refused (EINVAL)")]
    for name, sed, err, what in variants:
        b.run("sed '%s' /tmp/inmate.json > /tmp/%s.json && "
              "cellctl config encode /tmp/%s.json -o /tmp/%s.cell" % (sed, name, name, name))
        t.check(b.run("cmp -s /tmp/%s.cell %s || echo differs" % (name, INMATE)) == "differs",
                "variant %s encoded" % name)
        refused(t, b, "cellctl cell create /tmp/%s.cell" % name, err, what)
        out = b.run("cat /sys/devices/system/cpu/online %s/mem_pool_used; cellctl cell list"
                    " | grep -c inmate || true" % SYSFS)
        t.check(out.split("\n") == ["0-3", str(pool), "0"],
                "after the %s refusal: CPUs online, pool unchanged, no cell" % name, out)


def body(t):
    with t.board() as b:
        if not enable_root(t, b):
            return
        pool = sysfs_int(b, SYSFS + "/mem_pool_used")
        if not create(t, b, "cell create linux-inmate"):
            return
        cid = cell_listed(t, b)
        t.check(b.run("cat /sys/devices/system/cpu/online") == "0-1", "Linux gave up CPUs 2-3")
        if cid:
            d = "%s/cells/%s" % (SYSFS, cid)
            out = b.run("cat %s/name %s/state %s/cpus_assigned_list %s/cpus_failed_list"
                        % (d, d, d, d))
            t.check(out.split("\n") == ["linux-inmate", "shut down", "2-3", ""],
                    "sysfs cells/%s: name, state, CPUs, no failed CPU" % cid, out)
            out = b.run("ls %s/statistics" % d)
            t.check("cpu2" in out.split() and "cpu3" in out.split() and
                    "vmexits_total" in out.split(), "sysfs cells/%s/statistics per CPU" % cid, out)
        t.check(sysfs_int(b, SYSFS + "/mem_pool_used") > pool,
                "the cell's page tables come from the hypervisor pool")
        refused(t, b, "cellctl cell create " + INMATE, "File exists",
                "a second cell named linux-inmate is refused (EEXIST)")
        refused(t, b, "cellctl disable", "Device or resource busy",
                "disable refused while a non-root cell exists (EBUSY)")
        t.check(b.run("cat %s/enabled" % SYSFS) == "1", "hypervisor still enabled")
        # Any bytes do for a load into the inmate's RAM at 0x70000000.
        rc, out = b.run_rc("cellctl cell load linux-inmate %s@0x70000000" % INMATE, timeout=60)
        t.check(rc == 0, "cell load into the LOADABLE RAM", out)
        rc, out = b.run_rc("cellctl cell shutdown linux-inmate", timeout=60)
        t.check(rc == 0, "cell shutdown of the never-started cell", out)
        t.check(cell_listed(t, b) == cid, "still listed shut down, same id")
        if destroy(t, b, "cell destroy linux-inmate"):
            t.check("linux-inmate" not in b.run("cellctl cell list"), "cell gone after destroy")
            t.check(b.run("cat /sys/devices/system/cpu/online") == "0-3",
                    "destroy gave CPUs 2-3 back to Linux")
            after = sysfs_int(b, SYSFS + "/mem_pool_used")
            t.check(after == pool, "pool usage back to %d pages after destroy" % pool,
                    "now %d" % after)
        bad_configs(t, b, pool)
        figures = []
        for _ in range(CYCLES):
            rc, out = b.run_rc("cellctl cell create %s && cellctl cell destroy linux-inmate"
                               " && cat /sys/devices/system/cpu/online %s/mem_pool_used"
                               % (INMATE, SYSFS), timeout=60)
            figures.append(out if rc == 0 else "rc=%d: %s" % (rc, out))
        t.check(figures == ["0-3\n%d" % pool] * CYCLES,
                "%d create/destroy cycles: CPUs back, pool usage stays %d pages" % (CYCLES, pool),
                "\n".join(figures))
        linux_healthy(t, b, "cell commands")
        rc, out = b.run_rc("cellctl disable", timeout=60)
        t.check(rc == 0, "cellctl disable after destroy", out)


t.main(body)
