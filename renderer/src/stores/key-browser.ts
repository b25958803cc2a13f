/**
 * The key browser of the selected node: the SCAN listing (page after page,
 * never the whole keyspace), the open key, and its items loaded by pages.
 *
 * Item paging runs in the store so Cancel means one thing: no further page is
 * requested (the one in flight is still shown). Every answer carries the
 * generation it was asked in, so a late reply for a key or search the user
 * has left is dropped rather than mixed in.
 */
import { defineStore } from 'pinia'
import { computed, ref, shallowRef } from 'vue'
import type { EditableKeyType, KeyDetail, KeyEdit, KeyEntry, KeyItem, KeyItemsPage } from '../../../shared/types'
import { keyEditError, keyNameError } from '../../../shared/key-browser'
import { useApi } from '../api'

export type TypeFilter = '' | EditableKeyType
export type ItemsState = 'idle' | 'loading' | 'done' | 'cancelled' | 'paused' | 'error'

/** Keys asked per keys.scan call. */
export const SCAN_PAGE = 200
/** Items asked per keys.items call. */
export const ITEMS_PAGE = 500
/** Items loaded without asking; beyond that the user presses "Load more". */
export const ITEMS_AUTOLOAD = 100_000

function message(e: unknown): string {
  return e instanceof Error ? e.message : String(e)
}

/** What a new key starts with: the first item of its type. */
export interface NewKey {
  key: string
  type: EditableKeyType
  edit: KeyEdit
}

export const useKeyBrowserStore = defineStore('key-browser', () => {
  const api = () => useApi()
  const nodeId = ref<string | null>(null)
  const db = ref(0)
  const pattern = ref('')
  const typeFilter = ref<TypeFilter>('')
  // shallowRef: a long listing is replaced, never deeply watched.
  const keys = shallowRef<KeyEntry[]>([])
  let seen = new Set<string>()
  const cursor = ref('0')
  const complete = ref(false)
  const started = ref(false)
  const scanning = ref(false)
  const dbsize = ref<number | null>(null)
  const scanCalls = ref(0)
  const error = ref<string | null>(null)
  const stopRequested = ref(false)
  let scanGeneration = 0

  const selected = ref<string | null>(null)
  const detail = ref<KeyDetail | null>(null)
  const detailError = ref<string | null>(null)
  const items = shallowRef<KeyItem[]>([])
  const itemsNext = ref<string | null>(null)
  const itemsState = ref<ItemsState>('idle')
  const itemsPages = ref(0)
  const itemsError = ref<string | null>(null)
  let keyGeneration = 0

  const ref_ = (key: string) => ({ id: nodeId.value ?? '', db: db.value, key })

  function open(id: string): void {
    if (nodeId.value === id) return
    nodeId.value = id
    db.value = 0
    pattern.value = ''
    typeFilter.value = ''
    resetListing()
    closeKey()
  }

  function resetListing(): void {
    scanGeneration++
    keys.value = []
    seen = new Set()
    cursor.value = '0'
    complete.value = false
    started.value = false
    scanning.value = false
    scanCalls.value = 0
    error.value = null
  }

  /** A new scan with the current pattern and type filter. */
  async function search(): Promise<void> {
    resetListing()
    await fill()
  }

  /**
   * SCAN pages until SCAN_PAGE more keys are listed, the scan completes, or
   * Stop: a rare pattern over millions of keys comes back in several budgeted
   * calls, each a chance to stop, instead of one long call.
   */
  async function fill(): Promise<void> {
    if (!nodeId.value || scanning.value || complete.value) return
    const generation = scanGeneration
    const target = keys.value.length + SCAN_PAGE
    stopRequested.value = false
    scanning.value = true
    started.value = true
    try {
      do {
        await loadPage(generation)
      } while (generation === scanGeneration && !stopRequested.value && !complete.value && !error.value && keys.value.length < target)
    } finally {
      if (generation === scanGeneration) scanning.value = false
    }
  }

  /** Stops a filling scan after the page in flight; "Load more" goes on from the cursor. */
  function stopScan(): void {
    stopRequested.value = true
  }

  async function loadMore(): Promise<void> {
    await fill()
  }

  /** One keys.scan call from the current cursor; an answer for an older search is dropped. */
  async function loadPage(generation: number): Promise<void> {
    if (!nodeId.value) return
    error.value = null
    try {
      const page = await api().call('keys.scan', {
        id: nodeId.value,
        db: db.value,
        cursor: cursor.value,
        match: pattern.value,
        ...(typeFilter.value ? { type: typeFilter.value } : {}),
        pageSize: SCAN_PAGE,
      })
      if (generation !== scanGeneration) return
      // SCAN may return a key twice across pages: keep the first.
      const fresh = page.keys.filter((k) => !seen.has(k.key))
      for (const k of fresh) seen.add(k.key)
      if (fresh.length > 0) keys.value = [...keys.value, ...fresh]
      cursor.value = page.cursor
      complete.value = page.cursor === '0'
      dbsize.value = page.dbsize
      scanCalls.value += page.scanCalls
    } catch (e) {
      if (generation === scanGeneration) error.value = message(e)
    }
  }

  function closeKey(): void {
    keyGeneration++
    selected.value = null
    detail.value = null
    detailError.value = null
    resetItems()
  }

  function resetItems(): void {
    items.value = []
    itemsNext.value = null
    itemsState.value = 'idle'
    itemsPages.value = 0
    itemsError.value = null
  }

  async function select(key: string): Promise<void> {
    closeKey()
    const generation = keyGeneration
    selected.value = key
    try {
      const d = await api().call('keys.get', ref_(key))
      if (generation !== keyGeneration) return
      detail.value = d
      if (isCollection(d.type)) {
        itemsNext.value = '0'
        void loadItems()
      }
    } catch (e) {
      if (generation === keyGeneration) detailError.value = message(e)
    }
  }

  function isCollection(type: string): type is 'list' | 'hash' | 'set' | 'zset' {
    return type === 'list' || type === 'hash' || type === 'set' || type === 'zset'
  }

  /** Requests pages one after the other until done, cancelled, or ITEMS_AUTOLOAD more items arrived. */
  async function loadItems(): Promise<void> {
    const d = detail.value
    if (!d || !isCollection(d.type) || itemsNext.value === null || itemsState.value === 'loading') return
    const generation = keyGeneration
    const stopAt = items.value.length + ITEMS_AUTOLOAD
    itemsState.value = 'loading'
    itemsError.value = null
    try {
      while (itemsNext.value !== null) {
        const page: KeyItemsPage = await api().call('keys.items', { ...ref_(d.key), type: d.type, cursor: itemsNext.value, count: ITEMS_PAGE })
        if (generation !== keyGeneration) return
        items.value = mergeItems(items.value, page.items, d.type)
        itemsNext.value = page.next
        itemsPages.value++
        if (itemsState.value !== 'loading') return
        if (items.value.length >= stopAt && page.next !== null) {
          itemsState.value = 'paused'
          return
        }
      }
      itemsState.value = 'done'
    } catch (e) {
      if (generation !== keyGeneration) return
      itemsState.value = 'error'
      itemsError.value = message(e)
    }
  }

  /** Stops asking for pages; "Load more" resumes from where it stopped. */
  function cancelItems(): void {
    if (itemsState.value === 'loading') itemsState.value = 'cancelled'
  }

  /** Sends one edit (checked first); the listing and loaded items follow without a reload. */
  async function edit(key: string, change: KeyEdit, create = false): Promise<void> {
    const problem = keyEditError(change) ?? (create ? keyNameError(key) : null)
    if (problem) throw new Error(problem)
    const result = await api().call('keys.edit', { ...ref_(key), edit: change, ...(create ? { create: true } : {}) })
    if (result.detail === null) {
      forgetKey(key)
      return
    }
    if (selected.value === key) {
      detail.value = result.detail
      items.value = patchItems(items.value, change, itemsNext.value === null)
    }
    if (!seen.has(key)) {
      seen.add(key)
      keys.value = [{ key, type: result.detail.type === 'none' ? 'other' : result.detail.type, ttlMs: result.detail.ttlMs }, ...keys.value]
      if (dbsize.value !== null) dbsize.value++
    } else {
      keys.value = keys.value.map((k) => (k.key === key ? { ...k, ttlMs: result.detail?.ttlMs ?? k.ttlMs } : k))
    }
  }

  async function create(newKey: NewKey): Promise<void> {
    await edit(newKey.key, newKey.edit, true)
    await select(newKey.key)
  }

  async function deleteKey(key: string): Promise<void> {
    await api().call('keys.edit', { ...ref_(key), edit: { op: 'key.delete' } })
    forgetKey(key)
  }

  function forgetKey(key: string): void {
    if (seen.delete(key)) {
      keys.value = keys.value.filter((k) => k.key !== key)
      if (dbsize.value !== null && dbsize.value > 0) dbsize.value--
    }
    if (selected.value === key) closeKey()
  }

  const loadedCount = computed(() => items.value.length)

  return {
    nodeId,
    db,
    pattern,
    typeFilter,
    keys,
    cursor,
    complete,
    started,
    scanning,
    dbsize,
    scanCalls,
    error,
    selected,
    detail,
    detailError,
    items,
    itemsNext,
    itemsState,
    itemsPages,
    itemsError,
    loadedCount,
    open,
    search,
    loadMore,
    stopScan,
    stopRequested,
    select,
    closeKey,
    loadItems,
    cancelItems,
    edit,
    create,
    deleteKey,
  }
})

/** Appends a page; HSCAN/SSCAN may repeat an element across pages, so hash fields and members are kept once. */
export function mergeItems(current: readonly KeyItem[], page: readonly KeyItem[], type: string): KeyItem[] {
  if (type === 'list' || type === 'zset') return [...current, ...page]
  const id = (item: KeyItem) => (type === 'hash' ? item.field ?? '' : item.value)
  const known = new Set(current.map(id))
  return [...current, ...page.filter((item) => !known.has(id(item)))]
}

/**
 * The loaded items after an edit the server accepted, so a 100k-item value is
 * not reloaded for one change. `allLoaded` says whether the tail is loaded
 * (a pushed element then shows at its end).
 */
export function patchItems(current: readonly KeyItem[], change: KeyEdit, allLoaded: boolean): KeyItem[] {
  const reindex = (list: KeyItem[]) => list.map((item, index) => ({ ...item, index }))
  switch (change.op) {
    case 'list.push':
      if (change.end === 'head') return reindex([{ value: change.value }, ...current])
      return allLoaded ? reindex([...current, { value: change.value }]) : [...current]
    case 'list.set':
      return current.map((item) => (item.index === change.index ? { ...item, value: change.value } : item))
    case 'list.remove':
      return reindex(current.filter((item) => item.index !== change.index))
    case 'hash.set': {
      const at = current.findIndex((item) => item.field === change.field)
      if (at < 0) return [...current, { field: change.field, value: change.value }]
      return current.map((item, i) => (i === at ? { ...item, value: change.value } : item))
    }
    case 'hash.delete':
      return current.filter((item) => item.field !== change.field)
    case 'set.add':
      return current.some((item) => item.value === change.member) ? [...current] : [...current, { value: change.member }]
    case 'set.remove':
    case 'zset.remove':
      return current.filter((item) => item.value !== change.member)
    case 'zset.add': {
      const rest = current.filter((item) => item.value !== change.member)
      return [...rest, { value: change.member, score: change.score }].sort((a, b) => Number(a.score) - Number(b.score))
    }
    default:
      return [...current]
  }
}
