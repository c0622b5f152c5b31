/**
 * Device model 'exp-step' (aihwkit ExpStepDevice, src/rpucuda/rpu_expstep_device.cpp `update_once`;
 * fitted to measured RRAM/CMOS-like update curves): with x = (u − m)/h the position in the window,
 *
 *   y     = a·x + b                                   (aihwkit z = 2a·w/(b_max − b_min) + b)
 *   up:   u' = f32(clamp(u + dwMin·(1 + upDown)·g_c·max(0, 1 − A⁺·e^{γ⁺·y})·(1 + σc·z), uMin, uMax))
 *   down: u' = f32(clamp(u − dwMin·(1 − upDown)·g_c·max(0, 1 − A⁻·e^{−γ⁻·y})·(1 + σc·z), uMin, uMax))
 * (pulse/pulse_response.ts, shape 'exp').
 * Parameters: the common pulse parameters and aihwkit's fitted defaults aUp = 0.00081,
 * aDown = 0.36833, gammaUp = 12.44625, gammaDown = 12.78785, a = 0.244, b = 0.2425.
 */
import type { DeviceModelEntry } from '../device_model.js';
import { PulsedDevice, pulseNumbers, pulseParams } from './pulsed_device.js';

export const expStep: DeviceModelEntry = {
  name: 'exp-step',
  pulses: true,
  describe: 'pulsed cell whose step saturates exponentially towards the bounds (aihwkit ExpStep)',
  params: pulseParams('exp-step', {
    aUp: { min: () => 0, max: () => 100, default: () => 0.00081, describe: 'factor A of the up direction' },
    aDown: { min: () => 0, max: () => 100, default: () => 0.36833, describe: 'factor A of the down direction' },
    gammaUp: { min: () => 0, max: () => 100, default: () => 12.44625, describe: 'exponent of the up direction' },
    gammaDown: { min: () => 0, max: () => 100, default: () => 12.78785, describe: 'exponent of the down direction' },
    a: { min: () => -10, max: () => 10, default: () => 0.244, describe: 'slope of the exponent argument' },
    b: { min: () => -10, max: () => 10, default: () => 0.2425, describe: 'offset of the exponent argument' },
  }),
  create: (d, p, ctx) => new PulsedDevice('exp-step', d, ctx, pulseNumbers('exp', p)),
};
