// `npm run bench:seed -- [--users 25000,50000,100000,200000]`
//
// How long the sandbox server takes to start with a load-test system of each size, as the bench
// starts it (its own process, built harness): wall time until it prints its address, and the
// CPU time it used. The first row (0 people) is the fixed cost of starting Node and the fake.
// Seeding should grow in proportion to the number of people: compare the "µs per person" column.
import { parseArgs } from 'node:util'
import { round, startSandboxServer } from './bench/lib.mjs'

const { values } = parseArgs({
  options: { users: { type: 'string', default: '25000,50000,100000,200000' } },
})
const sizes = [0, ...values.users.split(',').map(Number)]
if (sizes.some((n) => !Number.isInteger(n) || n < 0)) {
  console.error('Usage: npm run bench:seed -- [--users 25000,50000,100000,200000]')
  process.exit(1)
}

let base
console.log(['people', 'start ms', 'cpu ms', 'µs per person'].join('\t'))
for (const users of sizes) {
  const started = performance.now()
  const sandbox = await startSandboxServer([
    '--sandbox-users',
    '200',
    '--sandbox-load-users',
    String(users),
  ])
  const ms = performance.now() - started
  const cpu = sandbox.cpuMs()
  await sandbox.stop()
  base ??= ms
  const perPerson = users > 0 ? round(((ms - base) * 1000) / users) : ''
  console.log([users, round(ms), cpu ?? '', perPerson].join('\t'))
}
