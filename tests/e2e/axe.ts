/**
 * axe-core in the real page. The harness serves a strict CSP that forbids injected <script>
 * tags, but Playwright's evaluation goes through the DevTools protocol, which CSP does not
 * govern, so the library is evaluated directly.
 */
import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import type { Page } from 'playwright-core'

const source = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8')

export interface Violation {
  id: string
  impact: string | null
  help: string
  /** Where, and what axe says to fix, per offending element. */
  nodes: string[]
}

/** Violations of impact "serious" or "critical" on the page as it is now. */
export async function seriousViolations(page: Page): Promise<Violation[]> {
  if (!(await page.evaluate(() => 'axe' in window))) await page.evaluate(source)
  const all = await page.evaluate(async () => {
    interface AxeResult {
      violations: {
        id: string
        impact: string | null
        help: string
        nodes: { target: string[]; failureSummary?: string }[]
      }[]
    }
    const axe = (window as unknown as { axe: { run(context: Document): Promise<AxeResult> } }).axe
    const result = await axe.run(document)
    return result.violations.map((v) => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      nodes: v.nodes.map((n) => `${n.target.join(' ')}: ${n.failureSummary ?? ''}`),
    }))
  })
  return all.filter((v) => v.impact === 'serious' || v.impact === 'critical')
}
