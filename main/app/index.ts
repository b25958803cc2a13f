// Stub: replaced by the Electron-glue owner.
export {}
