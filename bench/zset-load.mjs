/**
 * Setup for the sorted-set workloads: a 1,000,000-member sorted set loaded
 * with pipelined ZADDs of 1,000 pairs each. Members are `member:%012d`, the
 * form redis-benchmark's `__rand_int__` takes with `-r 1000000`, so the timed
 * ZADDs update members that exist (the set stays at a million) and the timed
 * ZRANGEBYSCOREs start at scores that exist.
 */
import { connect } from 'node:net'

export const ZSET_KEY = 'bench:zset'
export const ZSET_MEMBERS = 1_000_000
const PAIRS_PER_COMMAND = 1_000

function command(args) {
  let out = `*${args.length}\r\n`
  for (const a of args) out += `$${Buffer.byteLength(a)}\r\n${a}\r\n`
  return out
}

/** Sends `commands` pipelined; resolves with the last reply line once every reply has arrived. */
function pipeline(port, commands) {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1')
    let pending = commands.length
    let tail = ''
    let last = ''
    socket.on('error', reject)
    socket.on('data', (chunk) => {
      // Every reply here is one line (`:n`, `-ERR …`), so counting CRLFs counts replies.
      const text = tail + chunk.toString('latin1')
      const lines = text.split('\r\n')
      tail = lines.pop()
      for (const line of lines) {
        if (line.startsWith('-')) {
          socket.destroy()
          reject(new Error(`setup: ${line}`))
          return
        }
        last = line
        pending--
      }
      if (pending === 0) {
        socket.end()
        resolve(last)
      }
    })
    socket.on('connect', () => {
      for (const c of commands) socket.write(c)
    })
  })
}

/** Loads the set unless it is already complete (workloads after the first reuse it). */
export async function loadMillionMemberZset(port) {
  const card = await pipeline(port, [command(['ZCARD', ZSET_KEY])])
  if (card === `:${ZSET_MEMBERS}`) return
  const commands = [command(['DEL', ZSET_KEY])]
  for (let start = 0; start < ZSET_MEMBERS; start += PAIRS_PER_COMMAND) {
    const args = ['ZADD', ZSET_KEY]
    for (let i = start; i < start + PAIRS_PER_COMMAND; i++) args.push(String(i), `member:${String(i).padStart(12, '0')}`)
    commands.push(command(args))
  }
  commands.push(command(['ZCARD', ZSET_KEY]))
  const loaded = await pipeline(port, commands)
  if (loaded !== `:${ZSET_MEMBERS}`) throw new Error(`setup: ZCARD ${ZSET_KEY} replied ${loaded}, wanted ${ZSET_MEMBERS}`)
}
