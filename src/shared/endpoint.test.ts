import { describe, expect, test } from 'vitest'
import { invokeContract } from './contract'
import { endpointProblem } from './endpoint'

describe('workspace endpoints', () => {
  test.each([
    'https://connect.getseam.com',
    'https://seam.example.test/proxy',
    'http://127.0.0.1:5390',
    'http://localhost:8080',
    'http://[::1]:9000',
  ])('%s is accepted', (url) => {
    expect(endpointProblem(url)).toBeUndefined()
  })

  test.each([
    ['http://connect.getseam.com', /https/],
    ['http://192.168.1.10', /https/],
    ['http://10.0.0.1:8080', /https/],
    ['http://127.0.0.1.evil.example', /https/],
    ['ftp://seam.example.test', /https/],
    ['file:///etc/passwd', /https/],
    ['https://user:pass@seam.example.test', /user name and password/],
    ['https://seam.example.test/?api_key=seam_x', /after/],
    ['https://seam.example.test/#frag', /after/],
    ['not a url', /https/],
  ])('%s is refused', (url, message) => {
    expect(endpointProblem(url)).toMatch(message)
  })

  test('the contract refuses them before any handler runs', () => {
    const add = invokeContract['workspaces.add'].request
    expect(add.safeParse({ name: 'HQ', api_key: 'k', endpoint: 'http://10.0.0.1' }).success).toBe(
      false,
    )
    expect(
      invokeContract['workspaces.test'].request.safeParse({
        api_key: 'k',
        endpoint: 'http://seam.example.test',
      }).success,
    ).toBe(false)
    expect(add.safeParse({ name: 'HQ', api_key: 'k', endpoint: 'https://seam.test' }).success).toBe(
      true,
    )
  })
})
