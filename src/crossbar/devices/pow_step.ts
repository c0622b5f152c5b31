/**
 * Device model 'pow-step' (aihwkit PowStepDevice, src/rpucuda/rpu_powstep_device.cpp `update_once`):
 * the step is a power of the distance to the bound the pulse moves towards, over the window width:
 *
 *   up:    u' = f32(clamp(u + dwMin·(1 + upDown)·g_c·((uMax − u)/(uMax − uMin))^{γ⁺}·(1 + σc·z), uMin, uMax))
 *   down:  u' = f32(clamp(u − dwMin·(1 − upDown)·g_c·((u − uMin)/(uMax − uMin))^{γ⁻}·(1 + σc·z), uMin, uMax))
 * (pulse/pulse_response.ts, shape 'pow').
 * Parameters: the common pulse parameters and gammaUp, gammaDown ∈ [0, 10] (aihwkit pow_gamma, default 1).
 */
import type { DeviceModelEntry } from '../device_model.js';
import { PulsedDevice, pulseNumbers, pulseParams } from './pulsed_device.js';

export const powStep: DeviceModelEntry = {
  name: 'pow-step',
  pulses: true,
  describe: 'pulsed cell whose step is a power of the distance to the bound (aihwkit PowStep)',
  params: pulseParams('pow-step', {
    gammaUp: { min: () => 0, max: () => 10, default: () => 1, describe: 'exponent of the up step' },
    gammaDown: { min: () => 0, max: () => 10, default: () => 1, describe: 'exponent of the down step' },
  }),
  create: (d, p, ctx) => new PulsedDevice('pow-step', d, ctx, pulseNumbers('pow', p)),
};
