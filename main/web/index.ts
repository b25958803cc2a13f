// Stub: replaced by the web-mode owner.
console.log('web mode: not built yet')
