// Stub: replaced by the tandem-server entry (cli.ts owner).
console.log('tandem-server: not built yet')
