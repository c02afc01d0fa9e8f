// Runs tests/it/data/iam-cases.json through npm @cloud-copilot/iam-simulate, a
// second opinion while writing cases (the AWS documentation decides; the tests
// never need npm). Setup, in a folder git ignores:
//   npm install --prefix tools/second-opinion @cloud-copilot/iam-simulate
// Run: node tools/iam_second_opinion.mjs [--list]
import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
const require = createRequire(new URL('./second-opinion/', import.meta.url))
const { runSimulation } = require('@cloud-copilot/iam-simulate')

const data = JSON.parse(readFileSync(new URL('../tests/it/data/iam-cases.json', import.meta.url)))
const doc = (v) => (v && !Array.isArray(v) && v.Statement ? v : { Version: '2012-10-17', Statement: v })
const fullAccess = { name: 'FullAWSAccess', policy: doc([{ Effect: 'Allow', Action: '*', Resource: '*' }]) }
const ours = { Allowed: 'allow', ExplicitlyDenied: 'deny', ImplicitlyDenied: 'implicit' }

let agree = 0, disagree = 0, errors = 0
const list = process.argv.includes('--list')
for (const [i, c] of data.cases.entries()) {
  const [action, resource, ...rest] = c.request.split(/\s+/)
  let principal = 'arn:aws:sts::111122223333:assumed-role/tester/s'
  const ctx = {}
  for (const t of rest) {
    if (t.startsWith('@')) principal = t.slice(1)
    else if (t.startsWith('!')) continue
    else if (t.endsWith('=[]')) ctx[t.slice(0, -3)] = []
    else {
      const [k, ...v] = t.split('=')
      const value = v.join('=')
      ctx[k] = k in ctx ? [].concat(ctx[k], value) : value
    }
  }
  // Keys IAM derives from the caller (the engine does the same).
  const m = principal.match(/^arn:aws:(?:iam|sts)::(\d{12}):(user|assumed-role)\/(?:.*\/)?([^/]+?)(?:\/[^/]+)?$/)
  if (m) {
    ctx['aws:PrincipalAccount'] ??= m[1]
    if (m[2] === 'user') ctx['aws:username'] ??= m[3]
  }
  const account = (resource.split(':')[4] || '').match(/^\d{12}$/) ? resource.split(':')[4] : '111122223333'
  const scps = c.scp ? [doc(c.scp)] : []
  const scpAllowList = scps.some((p) => p.Statement.some((s) => s.Effect !== 'Deny'))
  const sim = {
    request: { principal, action, resource: { resource, accountId: account }, contextVariables: ctx },
    identityPolicies: c.identity ? [{ name: 'identity', policy: doc(c.identity) }] : [],
    serviceControlPolicies: scps.length
      ? [{ orgIdentifier: 'o-1', policies: [...(scpAllowList ? [] : [fullAccess]), { name: 'scp', policy: scps[0] }] }]
      : [],
    resourceControlPolicies: c.rcp ? [{ orgIdentifier: 'o-1', policies: [{ name: 'rcp', policy: doc(c.rcp) }] }] : [],
    resourcePolicy: c.resource ? doc(c.resource) : undefined,
    permissionBoundaryPolicies: c.boundary ? [{ name: 'boundary', policy: doc(c.boundary) }] : undefined,
    sessionPolicy: c.session ? doc(c.session) : undefined,
  }
  let got
  try {
    const r = await runSimulation(sim, {})
    got = r.resultType === 'error' ? 'error' : ours[r.overallResult] ?? r.overallResult
  } catch (e) {
    got = 'error'
  }
  if (got === 'error') errors++
  else if (got === c.expect) agree++
  else disagree++
  if (list && got !== c.expect) console.log(`case ${i} (${c.theme}): ${c.request}\n  docs: ${c.expect}, iam-simulate: ${got}`)
}
console.log(`${data.cases.length} cases: iam-simulate agrees on ${agree}, differs on ${disagree}, cannot run ${errors}`)
