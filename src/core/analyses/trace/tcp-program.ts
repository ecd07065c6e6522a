/**
 * The bpftrace program of `goready trace tcp`, written for the kernel at hand: which tracepoints
 * exist and which fields they have is read from their format files first (on 6.18 tcp_send_reset
 * carries sockaddrs and a reason but no sport; kfree_skb has a reason since 5.17 and rx_sk since
 * 6.8). Tracepoints only, no kprobes.
 *
 * Every event prints one tab-separated line starting with a tag (the layouts are in TCP_LINES);
 * the reader parses exactly those.
 */
import { field, type TraceFormat } from '../../linux/trace-format.js';

export interface TcpFormats {
  state: TraceFormat;
  retransmit?: TraceFormat;
  sendReset?: TraceFormat;
  receiveReset?: TraceFormat;
  drop?: TraceFormat;
}

export interface TcpFilter {
  /** Only sockets of this network namespace (inode of /proc/PID/ns/net); needs kernel BTF. */
  netns: number | null;
  /** Local ports to match (a process's listeners), or with `either`, a port at either end. */
  ports: number[];
  either: boolean;
  /** Sockets whose state this process changes (its connect and close) are its own too. */
  pid: number | null;
}

export interface TcpProgram {
  text: string;
  /** Events the kernel cannot give (and why), said once in the output. */
  missing: { what: string; why: string }[];
  /** Drop reason names, from kfree_skb's format. */
  dropReasons: Map<number, string>;
  /** TCP state names, from inet_sock_set_state's format. */
  states: Map<number, string>;
  /** Reset reason names (tcp_send_reset's format, 6.10+). */
  resetReasons: Map<number, string>;
}

/** Field layouts of each line, after the tag (ts is bpftrace's nsecs: CLOCK_MONOTONIC). */
export const TCP_LINES = {
  S: ['ts', 'sk', 'old', 'new', 'sport', 'dport', 'family', 'saddr', 'daddr', 'saddr6', 'daddr6'],
  R: ['ts', 'sk', 'state', 'sport', 'dport', 'family', 'saddr', 'daddr', 'saddr6', 'daddr6'],
  /** Reset sent; addresses as sockaddr bytes (%r) or numbers, whichever the format has. */
  X: ['ts', 'sk', 'state', 'reason', 'sport', 'dport', 'family', 'saddr', 'daddr', 'saddr6', 'daddr6'],
  Y: ['ts', 'sk', 'sport', 'dport', 'family', 'saddr', 'daddr', 'saddr6', 'daddr6'],
  D: ['ts', 'reason', 'location', 'lport', 'rport'],
} as const;

/** The namespace of a struct sock *, through BTF. */
const NETNS_OF_SK = (sk: string) => `${sk}->__sk_common.skc_net.net->ns.inum`;

function swap16(e: string): string {
  return `((((${e}) & 0xff) << 8) | (((${e}) >> 8) & 0xff))`;
}

export function tcpProgram(f: TcpFormats, filter: TcpFilter, btf: boolean): TcpProgram {
  const missing: TcpProgram['missing'] = [];
  const has = (fmt: TraceFormat | undefined, n: string) => !!fmt && !!field(fmt, n);
  const portMatch = (sport: string, dport: string) => {
    if (filter.ports.length === 0) return '0';
    return `(${filter.ports.map((p) => (filter.either ? `${sport} == ${p} || ${dport} == ${p}` : `${sport} == ${p}`)).join(' || ')})`;
  };
  const nsCheck = (nsExpr: string) => (filter.netns !== null && btf ? `${nsExpr} == ${filter.netns}` : '1');
  if (filter.netns !== null && !btf)
    missing.push({
      what: 'network namespace filter',
      why: 'the kernel has no BTF (/sys/kernel/btf/vmlinux): events of other namespaces on the same ports are included',
    });
  const own = filter.pid !== null;
  const ownCheck = (sk: string) => (own ? ` || @own[(uint64)${sk}]` : '');
  const lines: string[] = [];

  // State changes; also learns the sockets the process itself drives (connect, close).
  const st = f.state;
  for (const n of ['skaddr', 'oldstate', 'newstate', 'sport', 'dport', 'family', 'saddr', 'daddr', 'saddr_v6', 'daddr_v6', 'protocol']) {
    if (!field(st, n)) throw new Error(`sock:inet_sock_set_state has no '${n}' field on this kernel`);
  }
  const stateNames = st.symbols.get('newstate') ?? new Map<number, string>();
  const stateValue = (name: string, fallback: number) => [...stateNames].find(([, n]) => n === name)?.[0] ?? fallback;
  const TCP_CLOSE = stateValue('TCP_CLOSE', 7);
  const TCP_SYN_SENT = stateValue('TCP_SYN_SENT', 2);
  lines.push(
    'tracepoint:sock:inet_sock_set_state /args->protocol == 6/ {',
    btf ? '  $sk = (struct sock *)args->skaddr;' : '',
    `  if (${nsCheck(NETNS_OF_SK('$sk'))}) {`,
    // connect() moves a socket out of CLOSE in the calling process: that socket is the process's own.
    own ? `    if (pid == ${filter.pid} && args->oldstate == ${TCP_CLOSE} && args->newstate == ${TCP_SYN_SENT}) { @own[(uint64)args->skaddr] = 1; }` : '',
    `    if (${portMatch('args->sport', 'args->dport')}${ownCheck('args->skaddr')}) {`,
    '      printf("S\\t%llu\\t%llx\\t%d\\t%d\\t%u\\t%u\\t%u\\t%s\\t%s\\t%s\\t%s\\n", nsecs, args->skaddr, args->oldstate, args->newstate, args->sport, args->dport, args->family, ntop(args->saddr), ntop(args->daddr), ntop(args->saddr_v6), ntop(args->daddr_v6));',
    '    }',
    own ? `    if (args->newstate == ${TCP_CLOSE}) { delete(@own[(uint64)args->skaddr]); }` : '',
    '  }',
    '}',
  );

  const rt = f.retransmit;
  if (rt && ['skaddr', 'state', 'sport', 'dport', 'family', 'saddr', 'daddr', 'saddr_v6', 'daddr_v6'].every((n) => has(rt, n))) {
    lines.push(
      'tracepoint:tcp:tcp_retransmit_skb {',
      btf ? '  $sk = (struct sock *)args->skaddr;' : '',
      `  if (${nsCheck(NETNS_OF_SK('$sk'))} && (${portMatch('args->sport', 'args->dport')}${ownCheck('args->skaddr')})) {`,
      '    printf("R\\t%llu\\t%llx\\t%d\\t%u\\t%u\\t%u\\t%s\\t%s\\t%s\\t%s\\n", nsecs, args->skaddr, args->state, args->sport, args->dport, args->family, ntop(args->saddr), ntop(args->daddr), ntop(args->saddr_v6), ntop(args->daddr_v6));',
      '  }',
      '}',
    );
  } else missing.push({ what: 'retransmits', why: 'tcp:tcp_retransmit_skb is missing or has another layout on this kernel' });

  const rs = f.sendReset;
  if (rs && has(rs, 'skaddr')) {
    const reason = has(rs, 'reason') ? 'args->reason' : '-1';
    const state = has(rs, 'state') ? 'args->state' : '0';
    // Without a socket (a reset answering a packet for a closed port), the packet's device says the namespace.
    const ns =
      btf && has(rs, 'skbaddr')
        ? `(args->skaddr != 0 ? ${NETNS_OF_SK('((struct sock *)args->skaddr)')} : ((struct sk_buff *)args->skbaddr)->dev->nd_net.net->ns.inum)`
        : '0';
    if (has(rs, 'sport')) {
      lines.push(
        'tracepoint:tcp:tcp_send_reset {',
        `  if (${nsCheck(ns)} && (${portMatch('args->sport', 'args->dport')}${ownCheck('args->skaddr')})) {`,
        `    printf("X\\t%llu\\t%llx\\t%d\\t%d\\t%u\\t%u\\t%u\\t%s\\t%s\\t%s\\t%s\\n", nsecs, args->skaddr, ${state}, ${reason}, args->sport, args->dport, args->family, ntop(args->saddr), ntop(args->daddr), ntop(args->saddr_v6), ntop(args->daddr_v6));`,
        '  }',
        '}',
      );
    } else if (field(rs, 'saddr')?.size === 28 && field(rs, 'daddr')?.size === 28) {
      // sockaddr_in/in6: family, then the port in network byte order at bytes 2–3.
      lines.push(
        'tracepoint:tcp:tcp_send_reset {',
        '  $sp = (args->saddr[2] << 8) | args->saddr[3];',
        '  $dp = (args->daddr[2] << 8) | args->daddr[3];',
        `  if (${nsCheck(ns)} && (${portMatch('$sp', '$dp')}${ownCheck('args->skaddr')})) {`,
        `    printf("X\\t%llu\\t%llx\\t%d\\t%d\\t%u\\t%u\\t0\\t%r\\t%r\\t-\\t-\\n", nsecs, args->skaddr, ${state}, ${reason}, $sp, $dp, buf(args->saddr, 28), buf(args->daddr, 28));`,
        '  }',
        '}',
      );
    } else missing.push({ what: 'resets sent', why: 'tcp:tcp_send_reset has a layout goready does not know on this kernel' });
  } else missing.push({ what: 'resets sent', why: 'no tcp:tcp_send_reset on this kernel' });

  const rr = f.receiveReset;
  if (rr && ['skaddr', 'sport', 'dport', 'family', 'saddr', 'daddr', 'saddr_v6', 'daddr_v6'].every((n) => has(rr, n))) {
    lines.push(
      'tracepoint:tcp:tcp_receive_reset {',
      btf ? '  $sk = (struct sock *)args->skaddr;' : '',
      `  if (${nsCheck(NETNS_OF_SK('$sk'))} && (${portMatch('args->sport', 'args->dport')}${ownCheck('args->skaddr')})) {`,
      '    printf("Y\\t%llu\\t%llx\\t%u\\t%u\\t%u\\t%s\\t%s\\t%s\\t%s\\n", nsecs, args->skaddr, args->sport, args->dport, args->family, ntop(args->saddr), ntop(args->daddr), ntop(args->saddr_v6), ntop(args->daddr_v6));',
      '  }',
      '}',
    );
  } else missing.push({ what: 'resets received', why: 'tcp:tcp_receive_reset is missing or has another layout on this kernel' });

  const dr = f.drop;
  const dropReasons = dr?.symbols.get('reason') ?? new Map<number, string>();
  if (dr && has(dr, 'reason') && btf) {
    const notSpecified = [...dropReasons].find(([, n]) => n === 'NOT_SPECIFIED')?.[0] ?? 2;

    lines.push(
      `tracepoint:skb:kfree_skb /args->reason > ${notSpecified}/ {`,
      '  $skb = (struct sk_buff *)args->skbaddr;',
      '  $sk = $skb->sk;',
      // 6.8+ names the receiving socket, which skb->sk no longer is on the input path.
      has(dr, 'rx_sk') ? '  if (args->rx_sk != 0) { $sk = (struct sock *)args->rx_sk; }' : '',
      '  $lp = (uint64)0; $rp = (uint64)0; $ns = (uint64)0;',
      '  if ($sk != 0) {',
      '    if ($sk->__sk_common.skc_family == 2 || $sk->__sk_common.skc_family == 10) {',
      `      $lp = (uint64)$sk->__sk_common.skc_num; $rp = (uint64)${swap16('$sk->__sk_common.skc_dport')}; $ns = (uint64)${NETNS_OF_SK('$sk')};`,
      '    }',
      '  } else if ($skb->dev != 0) {',
      '    $ns = (uint64)$skb->dev->nd_net.net->ns.inum;',
      '    $nh = $skb->head + $skb->network_header;',
      '    if (args->protocol == 0x0800 && ((struct iphdr *)$nh)->protocol == 6) {',
      '      $th = (struct tcphdr *)($nh + ((struct iphdr *)$nh)->ihl * 4);',
      `      $lp = (uint64)${swap16('$th->dest')}; $rp = (uint64)${swap16('$th->source')};`,
      '    } else if (args->protocol == 0x86dd && ((struct ipv6hdr *)$nh)->nexthdr == 6) {',
      '      $th = (struct tcphdr *)($nh + 40);',
      `      $lp = (uint64)${swap16('$th->dest')}; $rp = (uint64)${swap16('$th->source')};`,
      '    }',
      '  }',
      `  if ((${filter.netns !== null ? `$ns == ${filter.netns}` : '1'}) && $lp != 0 && (${portMatch('$lp', '$rp')}${own ? ' || ($sk != 0 && @own[(uint64)$sk])' : ''})) {`,
      '    printf("D\\t%llu\\t%d\\t%s\\t%u\\t%u\\n", nsecs, args->reason, ksym(args->location), $lp, $rp);',
      '  }',
      '}',
    );
  } else if (!dr || !has(dr, 'reason')) missing.push({ what: 'drops', why: 'skb:kfree_skb has no drop reason on this kernel (Linux < 5.17)' });
  else missing.push({ what: 'drops', why: 'attributing a dropped packet to a connection needs kernel BTF (/sys/kernel/btf/vmlinux)' });

  return {
    text: `${lines.filter((l) => l !== '').join('\n')}\n`,
    missing,
    dropReasons,
    states: st.symbols.get('newstate') ?? new Map(),
    resetReasons: rs?.symbols.get('reason') ?? new Map(),
  };
}
