/**
 * The pub/sub registry (Redis's pubsub.c state): which clients listen to
 * which channels and patterns. server.ts owns one and gives it a way to send
 * a reply to any client (`deliver`), so PUBLISH can reach subscribers that are
 * not the client running the command. Channel names are latin1 strings (one
 * char per byte), as keys are.
 */
import type { ClientState } from './context'
import type { Reply } from './protocol/reply'
import { globMatch } from './store/glob'

interface Subscriptions {
  readonly channels: Set<string>
  readonly patterns: Set<string>
}

const bulkOf = (s: string): Reply => ({ t: 'bulk', v: Buffer.from(s, 'latin1') })

export class PubSubRegistry {
  /** channel → subscribers, in subscription order. */
  private readonly channels = new Map<string, Set<ClientState>>()
  private readonly patterns = new Map<string, Set<ClientState>>()
  private readonly byClient = new Map<ClientState, Subscriptions>()

  constructor(private readonly deliver: (client: ClientState, reply: Reply) => void) {}

  private subsOf(client: ClientState): Subscriptions {
    let subs = this.byClient.get(client)
    if (!subs) this.byClient.set(client, (subs = { channels: new Set(), patterns: new Set() }))
    return subs
  }

  /** clientSubscriptionsCount: channels + patterns (the count every (un)subscribe reply carries). */
  count(client: ClientState): number {
    const subs = this.byClient.get(client)
    return subs ? subs.channels.size + subs.patterns.size : 0
  }

  channelCount(client: ClientState): number {
    return this.byClient.get(client)?.channels.size ?? 0
  }

  patternCount(client: ClientState): number {
    return this.byClient.get(client)?.patterns.size ?? 0
  }

  /** In RESP2 a subscribed client may only run (P)(UN)SUBSCRIBE, PING, QUIT and RESET. */
  isSubscriber(client: ClientState): boolean {
    return this.count(client) > 0
  }

  subscribe(client: ClientState, channel: string): void {
    this.add(this.channels, this.subsOf(client).channels, client, channel)
  }

  psubscribe(client: ClientState, pattern: string): void {
    this.add(this.patterns, this.subsOf(client).patterns, client, pattern)
  }

  /** False when the client was not subscribed to it. */
  unsubscribe(client: ClientState, channel: string): boolean {
    return this.remove(this.channels, this.byClient.get(client)?.channels, client, channel)
  }

  punsubscribe(client: ClientState, pattern: string): boolean {
    return this.remove(this.patterns, this.byClient.get(client)?.patterns, client, pattern)
  }

  /** The client's channels (or patterns), in the order it subscribed. */
  channelsOf(client: ClientState): string[] {
    return [...(this.byClient.get(client)?.channels ?? [])]
  }

  patternsOf(client: ClientState): string[] {
    return [...(this.byClient.get(client)?.patterns ?? [])]
  }

  /** A disconnecting client leaves every channel and pattern silently. */
  forget(client: ClientState): void {
    for (const channel of this.channelsOf(client)) this.unsubscribe(client, channel)
    for (const pattern of this.patternsOf(client)) this.punsubscribe(client, pattern)
    this.byClient.delete(client)
  }

  /** PUBLISH: deliver to channel subscribers, then to matching patterns; the number of receivers. */
  publish(channel: string, message: Buffer): number {
    let receivers = 0
    const subscribers = this.channels.get(channel)
    if (subscribers) {
      const reply: Reply = { t: 'push', v: [bulkOf('message'), bulkOf(channel), { t: 'bulk', v: message }] }
      for (const client of subscribers) {
        this.deliver(client, reply)
        receivers++
      }
    }
    for (const [pattern, clients] of this.patterns) {
      if (!globMatch(pattern, channel)) continue
      const reply: Reply = {
        t: 'push',
        v: [bulkOf('pmessage'), bulkOf(pattern), bulkOf(channel), { t: 'bulk', v: message }],
      }
      for (const client of clients) {
        this.deliver(client, reply)
        receivers++
      }
    }
    return receivers
  }

  /** PUBSUB CHANNELS: active channels, optionally matching a pattern. */
  activeChannels(pattern?: string): string[] {
    const out: string[] = []
    for (const channel of this.channels.keys()) if (pattern === undefined || globMatch(pattern, channel)) out.push(channel)
    return out
  }

  subscriberCount(channel: string): number {
    return this.channels.get(channel)?.size ?? 0
  }

  /** PUBSUB NUMPAT: unique patterns across all clients. */
  get patternTotal(): number {
    return this.patterns.size
  }

  private add(index: Map<string, Set<ClientState>>, own: Set<string>, client: ClientState, name: string): void {
    if (own.has(name)) return
    own.add(name)
    let set = index.get(name)
    if (!set) index.set(name, (set = new Set()))
    set.add(client)
  }

  private remove(
    index: Map<string, Set<ClientState>>,
    own: Set<string> | undefined,
    client: ClientState,
    name: string,
  ): boolean {
    if (!own?.delete(name)) return false
    const set = index.get(name)
    if (set) {
      set.delete(client)
      if (set.size === 0) index.delete(name)
    }
    if (this.count(client) === 0) this.byClient.delete(client)
    return true
  }
}
