// Stub: replaced by the renderer owner.
export {}
