/**
 * One clock for the whole page, ticking every second while any component
 * uses it: every "saved 12 s ago" on screen agrees, and one timer serves all.
 */
import { onMounted, onUnmounted, ref, type Ref } from 'vue'

const now = ref(Date.now())
let users = 0
let timer: ReturnType<typeof setInterval> | null = null

export function useNow(): Readonly<Ref<number>> {
  onMounted(() => {
    if (users++ === 0) {
      now.value = Date.now()
      timer = setInterval(() => (now.value = Date.now()), 1000)
    }
  })
  onUnmounted(() => {
    if (--users === 0 && timer) {
      clearInterval(timer)
      timer = null
    }
  })
  return now
}
