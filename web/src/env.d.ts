/** Build-time values and modules the Vite config provides. */
declare const __GOREADY_VERSION__: string;

declare module 'virtual:snapshot-validator' {
  interface ValidationError {
    instancePath: string;
    keyword: string;
    message?: string;
    params: Record<string, unknown>;
  }
  const validate: ((data: unknown) => boolean) & { errors?: ValidationError[] | null };
  export default validate;
}
