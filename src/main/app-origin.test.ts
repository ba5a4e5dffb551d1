import { expect, test } from 'vitest'
import { APP_ORIGIN, isAppUrl } from './app-origin'

test("the app's own pages are recognised, though Node calls their origin 'null'", () => {
  expect(new URL(`${APP_ORIGIN}/index.html`).origin).toBe('null')
  expect(isAppUrl(`${APP_ORIGIN}/index.html`)).toBe(true)
  expect(isAppUrl(`${APP_ORIGIN}/`)).toBe(true)
  expect(isAppUrl(`${APP_ORIGIN}/assets/main.js?x=1#top`)).toBe(true)
})

test('anything else is not the app', () => {
  for (const url of [
    'app://other/index.html',
    'app://keyholder.evil.example/index.html',
    'app://keyholder:8080/index.html',
    'https://keyholder/index.html',
    'file:///keyholder/index.html',
    'http://127.0.0.1:5173/',
    'about:blank',
    'not a url',
    '',
  ]) {
    expect(isAppUrl(url), url).toBe(false)
  }
})
