/**
 * Device model 'constant-step' (aihwkit ConstantStepDevice, src/rpucuda/rpu_constantstep_device.cpp):
 * every pulse moves the cell by the same step, whatever its conductance, until a bound:
 *
 *   u' = f32(clamp(u ± dwMin·(1 ± upDown)·g_c·(1 + σc·z), uMin, uMax))
 *   g_c = max(0, 1 + dtod·ζ_c) fixed per cell ('dtod/<layer>'), z fresh per pulse ('ctoc/<layer>')
 * (pulse/pulse_response.ts, shape 'constant'). Written by write-verify as devices/pulsed_device.ts.
 * Parameters: the common pulse parameters (dwMin, upDown, uMin, uMax, dtod, ctoc).
 */
import type { DeviceModelEntry } from '../device_model.js';
import { PulsedDevice, pulseNumbers, pulseParams } from './pulsed_device.js';

export const constantStep: DeviceModelEntry = {
  name: 'constant-step',
  pulses: true,
  describe: 'pulsed cell with a constant step dwMin*(1 +/- upDown) per pulse within [uMin, uMax] (aihwkit ConstantStep)',
  params: pulseParams('constant-step', {}),
  create: (d, p, ctx) => new PulsedDevice('constant-step', d, ctx, pulseNumbers('constant', p)),
};
