/**
 * Device model 'soft-bounds' (aihwkit SoftBoundsDevice: a LinearStep with the step vanishing at the
 * bounds, multiplicative cycle-to-cycle noise): with h = (uMax − uMin)/2,
 *
 *   up:    u' = f32(clamp(u + dwMin·(1 + upDown)·g_c·(uMax − u)/h·(1 + σc·z), uMin, uMax))
 *   down:  u' = f32(clamp(u − dwMin·(1 − upDown)·g_c·(u − uMin)/h·(1 + σc·z), uMin, uMax))
 * i.e. Δu⁺ = dw⁺·(1 − w/w_max) with aihwkit's w = u − m, w_max = h (pulse/pulse_response.ts,
 * shape 'linear' with γ⁺ = γ⁻ = 1); the step at the middle of the window is dw±.
 * Parameters: the common pulse parameters (dwMin, upDown, uMin, uMax, dtod, ctoc).
 */
import type { DeviceModelEntry } from '../device_model.js';
import { PulsedDevice, pulseNumbers, pulseParams } from './pulsed_device.js';

export const softBounds: DeviceModelEntry = {
  name: 'soft-bounds',
  pulses: true,
  describe: 'pulsed cell whose step vanishes linearly at the bounds (aihwkit SoftBounds)',
  params: pulseParams('soft-bounds', {}),
  create: (d, p, ctx) => new PulsedDevice('soft-bounds', d, ctx, { ...pulseNumbers('linear', p), gammaUp: 1, gammaDown: 1 }),
};
