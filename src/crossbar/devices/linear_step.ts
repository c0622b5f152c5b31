/**
 * Device model 'linear-step' (aihwkit LinearStepDevice, src/rpucuda/rpu_linearstep_device.cpp
 * `update_once_mult`): the step shrinks linearly with the conductance in the direction of the pulse,
 * x = (u − m)/h the position in the window (m its middle, h its half width):
 *
 *   up:    u' = f32(clamp(u + dwMin·(1 + upDown)·g_c·max(0, 1 − γ⁺·x)·(1 + σc·z), uMin, uMax))
 *   down:  u' = f32(clamp(u − dwMin·(1 − upDown)·g_c·max(0, 1 + γ⁻·x)·(1 + σc·z), uMin, uMax))
 * (pulse/pulse_response.ts, shape 'linear'; γ = 1 is 'soft-bounds').
 * Parameters: the common pulse parameters and gammaUp, gammaDown ∈ [0, 10] (default 0.5).
 */
import type { DeviceModelEntry } from '../device_model.js';
import { PulsedDevice, pulseNumbers, pulseParams } from './pulsed_device.js';

export const linearStep: DeviceModelEntry = {
  name: 'linear-step',
  pulses: true,
  describe: 'pulsed cell whose step falls linearly with the conductance, slopes gammaUp/gammaDown (aihwkit LinearStep)',
  params: pulseParams('linear-step', {
    gammaUp: { min: () => 0, max: () => 10, default: () => 0.5, describe: 'relative slope of the up step over the half window' },
    gammaDown: { min: () => 0, max: () => 10, default: () => 0.5, describe: 'relative slope of the down step over the half window' },
  }),
  create: (d, p, ctx) => new PulsedDevice('linear-step', d, ctx, pulseNumbers('linear', p)),
};
