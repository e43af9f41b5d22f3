/** reboot: the same as `shutdown -r`. */
export { main } from './shutdown.ts';
